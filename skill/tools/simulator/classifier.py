"""Multinomial logistic regression over sparse features, in plain Python.

The offline resolver learns which intent a sentence belongs to from the model's samples,
the way Alexa's own model is trained on them: every word and word pair of every sample
of an intent counts as evidence for it, weighed against the other intents. Training is
AdaGrad over the examples in a seeded shuffle, so the same samples always give the same
weights, and the accuracy the README reports can be reproduced exactly. Training takes
tens of seconds, so the weights are stored (stored.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import NamedTuple

# Chosen on the labelled sets used for tuning (tests/data/labelled_resolutions_3, _4, _7
# and _8): a few passes with some weight decay generalise better than training to the end,
# and take seconds.
EPOCHS = 4
LEARNING_RATE = 1.0
L2 = 1e-3
# A class whose gradient is this small has almost nothing to learn from an example;
# skipping it makes training several times faster.
NEGLIGIBLE_GRADIENT = 1e-3


class Example(NamedTuple):
    features: tuple[str, ...]  # the features present, sorted; each weighs 1/sqrt(how many)
    label: str
    weight: float = 1.0


class Classifier:
    def __init__(self, labels: list[str], weights: dict[str, list[float]], bias: list[float]):
        self.labels = labels
        self.weights = weights
        self.bias = bias

    @classmethod
    def train(cls, examples: list[Example], seed: int = 0) -> Classifier:
        labels = sorted({e.label for e in examples})
        index = {label: i for i, label in enumerate(labels)}
        size = len(labels)
        weights = {f: [0.0] * size for e in examples for f in e.features}
        squares = {f: [1e-8] * size for f in weights}  # AdaGrad's sums of squared gradients
        bias, bias_squares = [0.0] * size, [1e-8] * size
        order = list(range(len(examples)))
        shuffle = random.Random(seed).shuffle
        sqrt, rate, decay = math.sqrt, LEARNING_RATE, L2
        for _ in range(EPOCHS):
            shuffle(order)
            for n in order:
                features, label, weight = examples[n]
                rows = [weights[f] for f in features]
                row_squares = [squares[f] for f in features]
                target = index[label]
                scale = _scale(len(rows))
                for k, p in enumerate(_softmax(_scores(bias, rows, scale))):
                    gradient = p - (k == target)
                    if -NEGLIGIBLE_GRADIENT < gradient < NEGLIGIBLE_GRADIENT:
                        continue
                    gradient *= weight
                    bias_squares[k] += gradient * gradient
                    bias[k] -= rate * gradient / sqrt(bias_squares[k])
                    scaled = gradient * scale
                    for row, sq in zip(rows, row_squares):
                        g = scaled + decay * row[k]
                        sq[k] += g * g
                        row[k] -= rate * g / sqrt(sq[k])
        return cls(labels, weights, bias)

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        features = list(features)
        rows = [self.weights[f] for f in features if f in self.weights]
        return dict(zip(self.labels, _softmax(_scores(self.bias, rows, _scale(len(features))))))


def _scale(count: int) -> float:
    """Each feature's value: the features of one text make a vector of length one, so a
    long sentence weighs no more than a short one, only spread over more words."""
    return 1 / math.sqrt(count) if count else 1.0


def _scores(bias: list[float], rows: list[list[float]], scale: float) -> list[float]:
    """Each label's score: its bias plus its weights for the features present, scaled."""
    return [b + scale * sum(column) for b, column in zip(bias, zip(*rows))] if rows else list(bias)


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
