# Whole-process reference for bench:train: what a user's `python train.py` does. Reads the CSVs with
# pandas (C parser, no header, label first), builds the DMatrix, trains XGBoost hist, saves the model.
# The parent times the whole process (interpreter start and imports included); this prints the
# validation RMSE at the best iteration as JSON on stdout.
import json, sys
import pandas as pd
import xgboost as xgb

train_csv, valid_csv, threads, hp_json, model_out = sys.argv[1:6]
tr = pd.read_csv(train_csv, header=None)
va = pd.read_csv(valid_csv, header=None)
hp = json.loads(hp_json)
rounds = int(hp.pop('num_round', 100))
early = int(hp.pop('early_stopping_rounds', 0)) or None
params = {k: (float(v) if k not in ('objective',) else v) for k, v in hp.items()}
params.update({'tree_method': 'hist', 'nthread': int(threads), 'seed': 0})
if 'max_depth' in params: params['max_depth'] = int(params['max_depth'])
dtrain = xgb.DMatrix(tr.iloc[:, 1:], label=tr.iloc[:, 0], nthread=int(threads))
dvalid = xgb.DMatrix(va.iloc[:, 1:], label=va.iloc[:, 0], nthread=int(threads))
booster = xgb.train(params, dtrain, rounds, evals=[(dvalid, 'validation')], early_stopping_rounds=early, verbose_eval=False)
booster.save_model(model_out)
score = booster.best_score if early else float(booster.eval(dvalid).split(':')[1])
print(json.dumps({'rmse': score, 'trees': booster.best_iteration + 1, 'rows': int(tr.shape[0])}))
