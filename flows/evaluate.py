"""`python -m flows.evaluate`: kept as the stable command; the code lives in `flows.nlp.evaluate`."""

from flows.nlp.evaluate import main

if __name__ == "__main__":
    raise SystemExit(main())
