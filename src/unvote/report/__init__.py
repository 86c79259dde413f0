"""The report: an 8-page A4 PDF and one PNG per figure, from a scenario's forecast outputs.

It reads one forecast folder (``reports/<scenario>/<as-of>/``: country_forecast.csv,
tally.csv, drivers.csv and forecast.json, which also holds the baseline's tally, the lever
effects and the fitted model's coefficients), the backtest files (``reports/backtest/``),
the embargo vote history and the committed features. Deciding what is stale and rerunning
it is not the report's job but :mod:`unvote.pipeline`'s. Pages:

1. summary: the question, the headline tally next to last year's, the assumptions;
2. history: the votes 1992-2024 with the forecast at the forecast year;
3. tally: the forecast counts, baseline against the scenario;
4. countries: those most likely to abstain or vote no;
5. map: each member's probability of voting yes;
6. groups: how the scenario moves each regional group and bloc;
7. backtest: calibration and scores against the baselines;
8. model: the effect of each feature, with its uncertainty.

Modules, each using only those before it: :mod:`~unvote.report.data` (load the outputs,
derive the tables), :mod:`~unvote.report.words` (every sentence),
:mod:`~unvote.report.pages` (A4 layout of words and :mod:`unvote.figures`),
:mod:`~unvote.report.write` (PDF and PNG files, whole or not at all). Nothing is imported
here, so that saving one figure (``unvote history --plot``) does not load the report.
"""
