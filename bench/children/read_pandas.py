# CSV reading alone for bench:train: pandas' C parser on a label-first CSV without header, as a
# user's train.py reads it. Writes JSON like bench/support.ts.
import json, resource, sys, time
import pandas as pd

result_file, csv = sys.argv[1:3]
start = time.perf_counter()
df = pd.read_csv(csv, header=None)
seconds = time.perf_counter() - start
with open(result_file, 'w') as f:
    json.dump({'seconds': seconds, 'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'extra': {'rows': int(df.shape[0]), 'cols': int(df.shape[1])}}, f)
