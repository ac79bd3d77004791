"""Trains and predicts with XGBoost for driftline's interop tests (numpy and xgboost only).

Usage (CSV files have no header; 'nan' marks a missing value):
  xgb_tool.py train <csv> <params-json> <model-out> [<valid-csv>]
      csv: label, then features. params-json: {"params": {...}, "num_boost_round": n,
      "early_stopping_rounds": k (needs valid-csv)}. Saves the model as JSON and prints
      {"best_iteration": ..., "num_trees": ...}.
  predict <model.json> <csv> <out>
      csv: features only. Writes "prediction,margin" per row (exact float32 values), using trees
      [0, best_iteration] when the model has that attribute, all trees otherwise.
  resave <model.json> <model-out>
      Loads a model and saves it again (checks that XGBoost accepts it completely).
"""
import json
import sys

import numpy as np
import xgboost as xgb


def read_csv(path):
    return np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)


def train(csv, params_json, model_out, valid_csv=None):
    with open(params_json) as f:
        spec = json.load(f)
    data = read_csv(csv)
    dtrain = xgb.DMatrix(data[:, 1:], label=data[:, 0], missing=np.nan)
    evals = []
    if valid_csv is not None:
        valid = read_csv(valid_csv)
        evals = [(xgb.DMatrix(valid[:, 1:], label=valid[:, 0], missing=np.nan), "validation")]
    booster = xgb.train(
        spec["params"],
        dtrain,
        num_boost_round=spec.get("num_boost_round", 10),
        evals=evals,
        early_stopping_rounds=spec.get("early_stopping_rounds"),
        verbose_eval=False,
    )
    booster.save_model(model_out)
    best = booster.attr("best_iteration")
    print(json.dumps({"best_iteration": None if best is None else int(best), "num_trees": len(booster.get_dump())}))


def predict(model_file, csv, out):
    booster = xgb.Booster(model_file=model_file)
    data = xgb.DMatrix(read_csv(csv), missing=np.nan, feature_names=booster.feature_names)
    best = booster.attr("best_iteration")
    iteration_range = (0, 0) if best is None else (0, int(best) + 1)
    preds = booster.predict(data, iteration_range=iteration_range)
    margins = booster.predict(data, output_margin=True, iteration_range=iteration_range)
    np.savetxt(out, np.column_stack([preds, margins]).astype(np.float64), fmt="%.17g", delimiter=",")


def resave(model_file, model_out):
    booster = xgb.Booster(model_file=model_file)
    booster.save_model(model_out)


if __name__ == "__main__":
    commands = {"train": train, "predict": predict, "resave": resave}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
