"""The fixed instruction vocabulary: token ids for the `instruction` observation.

Id 0 is <pad>, id 1 is <unk>; words follow in this fixed order (ids 2..). Lower-cased words are
taken with the regex [a-z]+('[a-z]+)?. Changing this list changes every trained policy's input.
"""
from __future__ import annotations

import re

import numpy as np

PAD, UNK = 0, 1
MAX_TOKENS = 16
WORDS: tuple[str, ...] = (
    "a", "alarm", "aluminum", "an", "and", "apple", "are", "arm", "at", "bag", "ball", "bar",
    "baseball", "basin", "basket", "bat", "bathtub", "bear", "bed", "blinds", "boil", "book",
    "boots", "bottle", "bowl", "box", "bread", "bring", "brush", "burner", "burning", "butter", "c",
    "cabinet", "can", "candle", "card", "cell", "chain", "chair", "circle", "clean", "cleaner",
    "clock", "close", "cloth", "coffee", "control", "cook", "couch", "could", "counter", "cracked",
    "credit", "cup", "curtain", "curtains", "cut", "d", "decor", "desk", "desktop", "dining",
    "dish", "dog", "door", "down", "drawer", "dresser", "drop", "dumbbell", "egg", "empty",
    "faucet", "fill", "floor", "foil", "food", "footstool", "for", "fork", "fridge", "from",
    "front", "garbage", "get", "glass", "go", "hamper", "hand", "hanger", "head", "heat", "here",
    "holder", "holding", "house", "i'd", "in", "into", "is", "it", "just", "kettle", "key", "knife",
    "knob", "ladle", "lamp", "laptop", "laundry", "leave", "let", "lettuce", "light", "like",
    "loaf", "machine", "make", "me", "microwave", "minute", "minutes", "mirror", "move", "mug",
    "my", "newspaper", "of", "off", "on", "onto", "open", "or", "ottoman", "out", "painting", "pan",
    "paper", "pen", "pencil", "pepper", "phone", "pick", "piece", "pillow", "place", "plant",
    "plate", "please", "plunger", "poster", "pot", "potato", "pour", "put", "racket",
    "refrigerator", "remote", "right", "roll", "room", "run", "running", "safe", "salt", "scrub",
    "set", "shaker", "shelf", "shelving", "shower", "side", "sink", "slice", "sliced", "soap",
    "sofa", "some", "spatula", "sponge", "spoon", "spray", "stand", "start", "statue", "stool",
    "stop", "store", "stove", "switch", "t", "table", "take", "tap", "target", "teddy",
    "television", "tennis", "that", "the", "there", "this", "throw", "tip", "tissue", "to", "toast",
    "toaster", "toilet", "tomato", "top", "toss", "towel", "turn", "two", "under", "unit", "up",
    "v", "vacuum", "vase", "warm", "wash", "watch", "water", "watering", "what", "what's", "window",
    "wine", "with", "you", "you're", "your",
)
VOCAB: dict[str, int] = {w: i + 2 for i, w in enumerate(WORDS)}
VOCAB_SIZE = len(WORDS) + 2
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokenize(text: str, max_tokens: int = MAX_TOKENS) -> np.ndarray:
    """Token ids (int64, length max_tokens), padded with PAD, unknown words -> UNK."""
    ids = [VOCAB.get(w, UNK) for w in _TOKEN.findall(text.lower())][:max_tokens]
    out = np.full(max_tokens, PAD, dtype=np.int64)
    out[: len(ids)] = ids
    return out
