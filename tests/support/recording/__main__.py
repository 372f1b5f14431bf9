"""``python -m tests.support.recording [--only NAME]``: re-record the Taobao and PDD cases."""

from __future__ import annotations

import argparse

from tests.support.marketplace import MarketplaceProcess
from tests.support.recording import pdd, taobao
from tests.support.recording.core import SEED, SIZE, Recorder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="record only the cases whose name contains this")
    args = parser.parse_args()
    mp = MarketplaceProcess(SEED, SIZE)
    try:
        rec = Recorder(mp, args.only)
        taobao.record(rec)
        pdd.record(rec)
    finally:
        mp.stop()


if __name__ == "__main__":
    main()
