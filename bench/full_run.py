"""06's full run of one model's five actor folds, stored in nbs/full_run.json under the key 06 reads, with each fold's
held-out opinions saved for bench/fusion_trials.py.

    SER_DATA=../shared/data/ravdess python bench/full_run.py ser_voice [--opinions /tmp/ser_voice_opinions.pkl]
    SER_DATA=../shared/data/ravdess python bench/full_run.py ser_voice --loco [--opinions /tmp/ser_voice_loco_opinions.pkl]

The same experiment as `SER_FULL=default` runs in 06_results (cross_validate over the RAVDESS actors, TESS and URDU in
every fold's training, the five channels, adapted to the speaker), on the user feature cache.
"""
import os, sys, pickle
from pathlib import Path
os.chdir(Path(__file__).resolve().parents[1]/'nbs')
import pandas as pd
from ser_nb.results import *
from ser_nb.results import _cv_json
from ser_nb.data import load_corpus, example_corpus
from ser_nb.model import MODELS
def main():
    name = sys.argv[1]
    out = sys.argv[sys.argv.index('--opinions') + 1] if '--opinions' in sys.argv else f'/tmp/{name}_opinions.pkl'
    tables = {n: load_corpus(example_corpus(n.lower())) for n in ('RAVDESS', 'TESS', 'URDU')}
    corpus, others = tables['RAVDESS'], pd.concat([tables['TESS'], tables['URDU']], ignore_index=True)
    keep = {}
    def compute():
        cv = cross_validate(corpus, model=MODELS[name], cache_root=None, progress=True, extra=others, conditions=CONDITIONS,
                            adapted=('speaker',), keep_opinions=True)
        keep.update(opinions=cv['opinions'], targets=cv['targets'], labels=cv['labels'])
        return _cv_json(cv)
    def loco():
        res = leave_one_corpus_out(tables, model=MODELS[name], cache_root=None, progress=True, adapted=('speaker', 'corpus'),
                                   keep_opinions=True)
        for corpus, r in res.items(): keep[corpus] = dict(opinions=r.pop('opinions'), targets=r.pop('targets'), labels=r['labels'])
        return res
    if '--loco' in sys.argv:
        out = out.replace('_opinions', '_loco_opinions') if '--opinions' not in sys.argv else out
        res, meta = stored_run(Path('full_run.json'), f'{name}, leave one corpus out', loco, rerun=True)
        pickle.dump(keep, open(out, 'wb'))
        for corpus, r in res.items(): print(corpus, f"UAR {r['uar']:.3f}", {a: round(v['uar'], 3) for a, v in r['adapted'].items()})
        return
    res, meta = stored_run(Path('full_run.json'), f'{name}, 5 actor folds + TESS + URDU', compute, rerun=True)
    pickle.dump(keep, open(out, 'wb'))
    print(res['fusion']); print(pd.DataFrame(res['folds'])); print(pd.DataFrame(res['adapted']['speaker']['folds']))

if __name__ == '__main__': main()
