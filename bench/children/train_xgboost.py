# Reference for bench:train: XGBoost hist on the same CSVs. Times DMatrix construction (the quantile
# sketch) plus training, as driftline's timing includes binning. Writes JSON like bench/support.ts.
import json, resource, sys, time
import numpy as np
import xgboost as xgb

result_file, train_csv, valid_csv, threads, hp_json = sys.argv[1:6]
tr = np.loadtxt(train_csv, delimiter=',', ndmin=2)
va = np.loadtxt(valid_csv, delimiter=',', ndmin=2)
hp = json.loads(hp_json)
rounds = int(hp.pop('num_round', 100))
early = int(hp.pop('early_stopping_rounds', 0)) or None
params = {k: (float(v) if k not in ('objective',) else v) for k, v in hp.items()}
params.update({'tree_method': 'hist', 'nthread': int(threads), 'seed': 0})
if 'max_depth' in params: params['max_depth'] = int(params['max_depth'])
start = time.perf_counter()
dtrain = xgb.DMatrix(tr[:, 1:], label=tr[:, 0], nthread=int(threads))
dvalid = xgb.DMatrix(va[:, 1:], label=va[:, 0], nthread=int(threads))
booster = xgb.train(params, dtrain, rounds, evals=[(dvalid, 'validation')], early_stopping_rounds=early, verbose_eval=False)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
score = booster.best_score if early else float(booster.eval(dvalid).split(':')[1])
with open(result_file, 'w') as f:
    json.dump({'seconds': seconds, 'peakRssMb': peak_mb, 'extra': {'rmse': score, 'trees': booster.best_iteration + 1, 'rows': int(tr.shape[0])}}, f)
