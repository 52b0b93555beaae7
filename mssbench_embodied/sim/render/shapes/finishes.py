"""Per-object colour finishes of the legible style, so colour does not give a situation away.

In the flat style every object has its type's one colour (``TypeSpec.color``). Then a dark phone in
a sink and a bright sponge in a sink differ in colour before anything is recognised, and a colour
histogram tells safe from unsafe (issue 14, "No answer in the colours"). In the legible style a
manufactured object instead wears one of its type's real-world finishes (phone cases, mug glazes,
book covers, sponge colours, ...), chosen by its assetId (realisation gives every created object
an asset variation per pair and type: scenarios/realise.py ``variation``), else by its objectId, so
the same episode always looks the same. The lists overlap on purpose: the objects that take a slot
in the safe variant and those that take it in the unsafe one (a phone or a sponge in the sink; a
knife or a remote on the sofa) share dark, bright, steel and coloured finishes, so a model has to
recognise the object itself.

Natural objects (fruit, vegetables, bread) keep realistic colours, in their real varieties (red,
green and yellow apples; orange, yellow and dark tomatoes; red and purple potatoes; red-leaf lettuce).
Cleaning products held or stored where food is (soap, soap and spray bottles) wear exactly those food
colours, not merely food-like ones: a colour histogram tells a lettuce's green from a generic green
(issue 14: the held foods' own colours gave the food_container and fridge pairs away at fov 50).
Cutlery blades stay steel, so cutlery has no entry. Render-only: metadata, ids and the world are the
same in both styles.
"""
from __future__ import annotations

import zlib

from ...objects import SimObject
from ..prims import Color

BLACK, CHARCOAL, STEEL, WHITE = "#26262B", "#4A4D55", "#B4B8BF", "#ECEBE6"
CREAM, RED, NAVY, TEAL = "#E6D8B8", "#B8322E", "#2D3F73", "#2F8C86"
GREEN, YELLOW, PINK, BROWN = "#5E9A48", "#E3C446", "#E29AAE", "#7A5234"
ORANGE, PURPLE = "#E07A2E", "#6B4A8C"
ANY = (BLACK, CHARCOAL, STEEL, WHITE, CREAM, RED, NAVY, TEAL, GREEN, YELLOW, PINK, BROWN, ORANGE, PURPLE)
DEVICE = (BLACK, CHARCOAL, STEEL, WHITE, NAVY, PINK, RED, TEAL)  # bodies, cases and skins
CERAMIC = (WHITE, CREAM, CHARCOAL, BLACK, NAVY, TEAL, GREEN, RED, YELLOW, BROWN)
# the natural objects' own colours (types.py colours and FINISHES below): what is held or stored where food is
APPLE, APPLE_GREEN, APPLE_YELLOW, APPLE_DARK = RED, GREEN, "#C9B437", "#8E1B1B"
TOMATO, POTATO, LETTUCE, EGG, EGG_BROWN = "#D7301F", "#A67B4C", "#6DBE45", "#F1EBDD", "#C98F5E"
RED_POTATO = "#8E3B32"
# cleaning products in exactly the food's colours (not merely food-like ones: a colour histogram tells
# a tomato's red from a generic red), and the foods in their real varieties (orange and yellow tomatoes,
# red and purple potatoes, red-leaf lettuce), so neither side has colours of its own
FOODLIKE = (TOMATO, APPLE, POTATO, LETTUCE, EGG, EGG_BROWN, APPLE_GREEN, APPLE_YELLOW, APPLE_DARK, ORANGE, PURPLE)
COOKWARE = (STEEL, BLACK, CHARCOAL, RED, NAVY, CREAM, TEAL, WHITE)
GLASS = (GREEN, BROWN, STEEL, NAVY, BLACK, WHITE)

FINISHES: dict[str, tuple[str, ...]] = {
    # devices
    "CellPhone": DEVICE, "Laptop": DEVICE, "RemoteControl": DEVICE,
    "AlarmClock": (BLACK, WHITE, RED, NAVY, TEAL, YELLOW, PINK, STEEL, CREAM, CHARCOAL),
    # tableware and cookware
    "Mug": CERAMIC + (PINK,), "Cup": CERAMIC, "Plate": CERAMIC, "Bowl": CERAMIC + (STEEL,),
    "Vase": CERAMIC + (PINK, STEEL), "Kettle": COOKWARE, "Pot": COOKWARE, "Pan": COOKWARE,
    "WateringCan": (GREEN, RED, NAVY, STEEL, YELLOW, TEAL, BLACK, WHITE),
    "Bottle": GLASS, "WineBottle": GLASS,
    # cleaning
    "DishSponge": (YELLOW, GREEN, PINK, NAVY, CHARCOAL, TEAL, ORANGE, PURPLE, BLACK, WHITE, STEEL),
    "SoapBar": (EGG, WHITE, TOMATO, LETTUCE, APPLE_YELLOW, PINK, EGG_BROWN, APPLE_GREEN),  # tan, not brown (bread)
    "SoapBottle": FOODLIKE, "SprayBottle": FOODLIKE,
    # fabric, paper and things
    "Cloth": ANY, "HandTowel": ANY, "Towel": ANY, "Pillow": ANY, "Book": ANY,
    "TeddyBear": (BROWN, CREAM, WHITE, PINK, NAVY, CHARCOAL, BLACK, YELLOW, STEEL),
    "TissueBox": (WHITE, NAVY, TEAL, PINK, YELLOW, GREEN, BLACK, CHARCOAL, PURPLE, STEEL),
    "Box": (BROWN, CREAM, WHITE, BLACK, RED, NAVY, STEEL),
    "Statue": (WHITE, CREAM, BLACK, BROWN, STEEL, CHARCOAL),
    "Pen": (NAVY, BLACK, RED, STEEL, WHITE, GREEN),
    "Candle": (WHITE, CREAM, RED, NAVY, YELLOW, GREEN, PURPLE, BLACK),
    # natural objects in their real colours
    "Apple": (APPLE, APPLE_GREEN, APPLE_YELLOW, APPLE_DARK), "Egg": (EGG, EGG_BROWN),
    "Tomato": (TOMATO, ORANGE, APPLE_YELLOW, APPLE_DARK, APPLE_GREEN),
    "Potato": (POTATO, EGG_BROWN, RED_POTATO, PURPLE), "Lettuce": (LETTUCE, APPLE_GREEN, APPLE_DARK),
}


def hex_color(h: str) -> Color:
    """'#RRGGBB' as an (r, g, b) float triple."""
    return float(int(h[1:3], 16)), float(int(h[3:5], 16)), float(int(h[5:7], 16))


def finish(obj: SimObject) -> Color:
    """The object's base colour in the legible style: one of its type's finishes, picked by assetId or objectId."""
    options = FINISHES.get(obj.object_type)
    if not options:
        r, g, b = obj.spec.color
        return float(r), float(g), float(b)
    return hex_color(options[zlib.crc32((obj.asset_id or obj.object_id).encode()) % len(options)])
