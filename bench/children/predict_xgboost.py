# Reference for bench:predict: XGBoost's batch prediction (nthread 1) on the same model and rows.
import json, resource, sys, time
import numpy as np
import xgboost as xgb

result_file, model_file, csv = sys.argv[1:4]
data = np.loadtxt(csv, delimiter=',', ndmin=2)[:, 1:]
booster = xgb.Booster(model_file=model_file)
booster.set_param({'nthread': 1})
# inplace_predict: a plain predict() on the same DMatrix would be answered from XGBoost's prediction cache.
booster.inplace_predict(data)
best = float('inf')
for _ in range(5):
    start = time.perf_counter()
    booster.inplace_predict(data)
    best = min(best, time.perf_counter() - start)
one = data[:1]
start = time.perf_counter()
for _ in range(2000):
    booster.inplace_predict(one)
single = (time.perf_counter() - start) / 2000
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open(result_file, 'w') as f:
    json.dump({'seconds': best, 'peakRssMb': peak, 'extra': {'rows': int(data.shape[0]), 'singleRowUs': single * 1e6}}, f)
