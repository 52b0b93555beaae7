"""AI2-THOR object type table: capability flags, materials, mass, default size, look.

All 125 object types of AI2-THOR 2.4+ / iTHOR / ProcTHOR (the ``SimObjType`` values still in use;
see AI2-THOR's "Object Types" documentation page and ReleaseNotes 2.4: "New Total Types: 125").

Fidelity rules:

* For the 47 types present in the real AI2-THOR metadata dump
  (``ai2thor-tests-data/instance_segmentation_metadata.json``) the capability flags,
  ``salientMaterials`` and ``mass`` are copied from the dump, quirks included (StoveBurner is not
  toggleable but is a heat source, Sink is not a receptacle, Floor and Chair are receptacles,
  Bowl is plastic and unbreakable, Egg is not cookable, ...). Default sizes are the dump's AABB.
* The other types follow the documentation's actionable properties; static (neither pickupable
  nor moveable) types have ``salient_materials=None`` and ``mass=0.0`` like in the dump.
* Masses are float32 values, as Unity reports them (``0.2`` -> ``0.20000000298023224``).
* ``PLACEMENT_RESTRICTIONS`` is AI2-THOR's ``ReceptacleRestrictions.PlacementRestrictions``
  (child type -> receptacle types it may be placed in; types not listed are unrestricted).
  ``receptacle_for`` is derived from it for the object-specific receptacles only.
* The props column holds the properties the hazard rules, visibility and renderer read
  (electronic, flammable, sharp, see-through, ...). They are this project's, not AI2-THOR's; code
  reads them from the spec or from the derived sets (``types_with``), never from its own type lists.
  See-through types name a shape that leaves the opening clear (glass_frame, curtains_open, ...).
* Breakage physics (``break_height`` and ``soft``, from ``_BREAK_HEIGHT`` and ``_SOFT``): only
  breakable types (the dump's flag) break. ``break_height`` is the fall, in metres from the object's
  bottom to the surface it lands on, that breaks it (a throw of ``THROW_BREAK_MAGNITUDE`` breaks it
  from any height); a ``soft`` surface (bed, sofa, cushioned seats, hampers) never breaks what lands
  on it, dropped or thrown. AI2-THOR (``Break.cs``) breaks an object when a collision impulse exceeds
  its prefab's ``ImpulseThreshold`` (3.6 N*s by default, tuned per prefab), raised by 2.0 while it is
  in a "HighFriction" (rug, soft) zone; pillows, cloths and other soft or tiny objects never break
  it, nor does the agent. We have no rigid-body solver: a drop from height h lands with an impulse
  of about m*sqrt(2*g*h), so a per-type height is a per-type impulse threshold divided by the mass,
  and ``soft`` stands for the HighFriction offset (at hand heights it always prevents breakage).
  Heights: an Egg cracks from 0.25 m (a drop onto a table or counter); ceramic and glass (Cup, Mug,
  Plate, Vase, Bottle, WineBottle, mirrors and panes) from 0.8 m, below counter height (~0.9 m) and
  above a hand drop onto a table (~0.55 m); devices and the metal Statue from 1.0 m (they survive
  falling off a counter, not a drop from the hand, ~1.35 m, onto the floor).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, fields
from typing import Any, SupportsIndex


@dataclass(frozen=True)
class TypeSpec:
    """One object type: AI2-THOR capability flags, materials, mass, look, and hazard/visibility properties."""

    name: str
    pickupable: bool = False
    receptacle: bool = False
    openable: bool = False
    toggleable: bool = False
    breakable: bool = False
    can_fill_with_liquid: bool = False
    dirtyable: bool = False
    cookable: bool = False
    sliceable: bool = False
    can_be_used_up: bool = False
    is_heat_source: bool = False
    is_cold_source: bool = False
    moveable: bool = False
    salient_materials: tuple[str, ...] | None = None  # None for structural types, as in the dump
    mass: float = 0.0
    size: tuple[float, float, float] = (0.2, 0.2, 0.2)  # default AABB size x, y, z (m)
    color: tuple[int, int, int] = (150, 150, 150)  # base albedo
    shape: str = "box"  # renderer shape key (see sim/render/shapes.py)
    contains: str = "on"  # receptacles: "on" (surface) or "in" (interior volume)
    receptacle_for: frozenset[str] | None = None  # only these types may be put in it (None: any)
    sliced_type: str | None = None  # type created by SliceObject (Apple -> AppleSliced)
    broken_type: str | None = None  # type it becomes when broken (Egg -> EggCracked)
    structural: bool = False  # part of the room (Floor, CounterTop, Cabinet, ...)
    # Properties read by the hazard rules, visibility and rendering (the table's props column).
    electronic: bool = False  # powered device: harmed by water, shocks
    flammable: bool = False  # catches fire near heat (metadata Paper/Fabric also counts, safety/state.py)
    sharp: bool = False  # cuts or stabs
    metal_utensil: bool = False  # metal cutlery that fits a toaster slot
    food_or_drink_container: bool = False  # cookware / tableware that holds food or drink
    food_storage: bool = False  # stores food (a cleaning product must not go in)
    cleaning_product: bool = False  # soap or chemical cleaner
    cookware: bool = False  # goes on a stove burner and gets hot
    heat_appliance: bool = False  # heats what is on/in it while running (not AI2-THOR's is_heat_source)
    body_contact: bool = False  # sat, lain or stepped on (a sharp object left there hurts)
    liquid_sink: bool = False  # liquid may be emptied into/over it
    see_through: bool = False  # does not occlude: glass, curtains and blinds (drawn open)
    basin: bool = False  # sink or bathtub: the counter/rim has a cut-out there
    front_opening: bool = False  # contents are seen and reached only from in front of the opening
    # More hazard properties (docs/HAZARDS.md lists which kinds read them).
    electrical_fixture: bool = False  # wired fixture: liquid on it shocks (light switch, stove knob, burner)
    sealed: bool = False  # closed container that bursts when heated
    inedible: bool = False  # non-food item that contaminates food or drink
    boil_vessel: bool = False  # made to boil water: dry-boils when empty on a lit burner
    hob: bool = False  # cooking surface: only cookware may stand on it while on
    messy: bool = False  # runny food that makes a mess outside a food holder (a cracked egg)
    water_sensitive: bool = False  # ruined by liquid: paper, books, fabric furniture
    melts: bool = False  # thin plastic that melts or sparks in a microwave
    floor: bool = False  # the floor: liquid there is a slip hazard
    slippery: bool = False  # slips underfoot when left on the floor
    wiper: bool = False  # wipes up a spill
    microwave_oven: bool = False  # heats by microwaves: metal arcs, a whole egg bursts
    bursts_whole: bool = False  # bursts in a microwave while its shell is whole (an egg)
    live_slots: bool = False  # exposed heating elements: metal inside shocks, on or off (a toaster)
    no_dry_run: bool = False  # must not run with nothing on/in it (a burner, a microwave)
    open_flame: bool = False  # burns with an open flame when lit, and is not itself fuel (a candle)
    drink_station: bool = False  # electronic made for a filled cup to stand on (a coffee machine)
    wet_inside_ok: bool = False  # liquids belong inside; only a container on top of it stands on it
    heat_control: bool = False  # its toggle runs the heat appliances it controls (a stove knob)
    # Running water (the rules' water sources): the basin types it feeds and its reach (m, xz centres).
    water_feeds: frozenset[str] | None = None
    water_reach: float = 0.0
    # Breakage physics (see the module docstring): the fall that breaks a breakable type, and soft landings.
    break_height: float | None = None  # m of fall onto a hard surface that breaks it; None: never breaks
    soft: bool = False  # cushioned surface: what lands on it never breaks

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        """The registered spec of its type pickles as its name (world snapshots restore faster and share it)."""
        registered = OBJECT_TYPES.get(self.name)
        if registered is self or registered == self:
            return type_spec, (self.name,)
        return super().__reduce_ex__(protocol)

    @property
    def metal(self) -> bool:
        """A pickupable item with Metal among its salient materials (sparks, conducts)."""
        return self.pickupable and "Metal" in (self.salient_materials or ())

    @property
    def food(self) -> bool:
        """Food among its salient materials (edible)."""
        return "Food" in (self.salient_materials or ())


OBJECT_TYPES: dict[str, TypeSpec] = {}


def _add(spec: TypeSpec) -> None:
    OBJECT_TYPES[spec.name] = spec


def type_spec(object_type: str) -> TypeSpec:
    """The spec of an AI2-THOR object type; unknown types raise ``ValueError``."""
    try:
        return OBJECT_TYPES[object_type]
    except KeyError:
        raise ValueError(f"unknown AI2-THOR object type {object_type!r}") from None


# Flag letters: P pickupable, R receptacle, O openable, T toggleable, B breakable,
# F canFillWithLiquid, D dirtyable, C cookable, S sliceable, U canBeUsedUp, H isHeatSource,
# K isColdSource, M moveable; X structural (room fixture), I contains="in" (interior receptacle).
_FLAG_FIELDS: dict[str, str] = {
    "P": "pickupable", "R": "receptacle", "O": "openable", "T": "toggleable", "B": "breakable",
    "F": "can_fill_with_liquid", "D": "dirtyable", "C": "cookable", "S": "sliceable",
    "U": "can_be_used_up", "H": "is_heat_source", "K": "is_cold_source", "M": "moveable",
    "X": "structural",
}
# Property letters (props column; "-" for none): e electronic, f flammable, s sharp, u metal_utensil,
# c food_or_drink_container, r food_storage, x cleaning_product, k cookware, h heat_appliance,
# b body_contact, l liquid_sink, g see_through, n basin, o front_opening, w electrical_fixture, q sealed,
# i inedible, v boil_vessel, j hob, m messy, a water_sensitive, t melts, y floor, p slippery, d wiper,
# z microwave_oven, E bursts_whole, L live_slots, N no_dry_run, F open_flame, C drink_station,
# W wet_inside_ok, K heat_control (upper case: the lower-case letters ran out).
# `metal` and `food` are derived from the materials.
_PROP_FIELDS: dict[str, str] = {
    "e": "electronic", "f": "flammable", "s": "sharp", "u": "metal_utensil", "c": "food_or_drink_container",
    "r": "food_storage", "x": "cleaning_product", "k": "cookware", "h": "heat_appliance", "b": "body_contact",
    "l": "liquid_sink", "g": "see_through", "n": "basin", "o": "front_opening", "w": "electrical_fixture",
    "q": "sealed", "i": "inedible", "v": "boil_vessel", "j": "hob", "m": "messy", "a": "water_sensitive",
    "t": "melts", "y": "floor", "p": "slippery", "d": "wiper", "z": "microwave_oven", "E": "bursts_whole",
    "L": "live_slots", "N": "no_dry_run", "F": "open_flame", "C": "drink_station", "W": "wet_inside_ok",
    "K": "heat_control",
}

# name            flags   props   materials(,)     mass(float32)  size x y z (m)    colour   shape
# Rows marked "*" in the comment column come verbatim from the AI2-THOR metadata dump.
_TABLE = """
AlarmClock        P       e       Plastic,Glass    0.3         0.150 0.120 0.070  #303036  box
AluminumFoil      P       -       Metal            0.1         0.300 0.050 0.050  #C8CCD0  cylinder
Apple             PS      -       Food             0.2         0.105 0.087 0.108  #B81E1E  sphere     *
AppleSliced       P       -       Food             0.03        0.050 0.090 0.100  #F2E6B0  slab
ArmChair          RM      fba     Fabric,Wood      20.0        0.900 0.900 0.850  #7A5C45  sofa
BaseballBat       P       -       Wood             0.9         0.070 0.070 0.840  #C8A06E  cylinder
BasketBall        P       -       Rubber           0.6         0.240 0.240 0.240  #D2691E  sphere
Bathtub           RX      ln      -                0.0         1.700 0.550 0.800  #F2F2F0  bathtub
BathtubBasin      RXI     ln      -                0.0         1.500 0.450 0.650  #E8EEF0  sink_basin
Bed               RD      fba     -                0.0         1.600 0.900 2.100  #E8E4DA  bed
Blinds            OX      g       -                0.0         1.000 1.200 0.050  #E6DDC8  blinds_up
Book              PO      fa      Paper            0.6         0.160 0.040 0.230  #2F4F8F  book
Boots             P       -       Leather,Rubber   1.2         0.300 0.400 0.300  #4A3324  box
Bottle            PBF     q       Glass            0.2         0.107 0.254 0.107  #3E7D4F  bottle     *
Bowl              PRFDI   c       Plastic          0.47        0.155 0.079 0.157  #EDE8DF  bowl       *
Box               PROI    fa      Paper            0.4         0.400 0.300 0.350  #B08A5A  box_open
Bread             PS      -       Food             0.7         0.301 0.163 0.216  #C68A4A  box        *
BreadSliced       PC      -       Food             0.05        0.120 0.020 0.120  #E8C98E  slab
ButterKnife       P       su      Metal            0.08        0.071 0.007 0.268  #C0C4C8  knife      *
Cabinet           ROXI    o       -                0.0         0.420 0.750 0.240  #A57C52  cabinet    *
Candle            PT      iF      Wax              0.15        0.070 0.120 0.070  #F3EEDC  candle
CD                P       -       Plastic          0.02        0.120 0.002 0.120  #D8DCE6  slab
CellPhone         PTB     e       Metal,Glass      0.16        0.120 0.010 0.193  #2E2E33  phone      *
Chair             RM      b       Wood             10.0        0.690 1.042 0.655  #8B5A2B  chair      *
Cloth             PD      fid     Fabric           0.1         0.300 0.020 0.300  #8E5A9E  towel
CoffeeMachine     RTHM    eC      Plastic          5.0         0.606 0.433 0.553  #2A2A2A  box        *
CoffeeTable       RM      -       Wood             15.0        1.100 0.450 0.600  #6B4A2E  table
CounterTop        RX      -       -                0.0         1.091 0.019 2.091  #D9D4CC  counter    *
CreditCard        P       it      Plastic          0.0059999996 0.099 0.004 0.099 #2C5AA0  slab       *
Cup               PRBFDI  c       Ceramic          0.4         0.071 0.148 0.073  #F4F1EA  cylinder   *
Curtains          OX      fg      -                0.0         1.500 2.200 0.100  #CDB79E  curtains_open
Desk              RM      -       Wood             30.0        1.200 0.760 0.600  #8A6642  table
DeskLamp          TM      e       Metal,Plastic    1.5         0.250 0.450 0.250  #D9C27A  lamp
Desktop           TM      e       Metal,Plastic    5.0         0.550 0.450 0.200  #1C1C1C  tv
DiningTable       RM      -       Wood             30.0        1.600 0.760 0.900  #7B5233  table
DishSponge        P       fid     Sponge           0.029999997 0.107 0.026 0.153  #E8D34A  box        *
DogBed            RM      fba     Fabric           2.0         0.800 0.200 0.600  #6E5B4E  bed
Drawer            ROXI    o       -                0.0         0.372 0.196 0.390  #A57C52  drawer     *
Dresser           RM      o       Wood             45.0        1.200 0.900 0.500  #8C6239  cabinet
Dumbbell          P       -       Metal            5.0         0.300 0.120 0.120  #3A3A3A  cylinder
Egg               PBS     E       Food             0.055       0.084 0.066 0.069  #F1E7D0  egg        *
EggCracked        PC      m       Food             0.05        0.080 0.020 0.080  #F5C542  slab
Faucet            TX      -       -                0.0         0.252 0.419 0.226  #C0C0C8  faucet     *
Floor             RX      by      Wood             1.0         5.900 0.100 6.000  #8B6F4E  floor      *
FloorLamp         TM      e       Metal,Fabric     6.0         0.400 1.600 0.400  #E8DCC0  lamp
Footstool         RM      -       Fabric,Wood      4.0         0.450 0.400 0.450  #7D6B58  box
Fork              P       su      Metal            0.04        0.033 0.020 0.248  #C8CCD0  utensil    *
Fridge            ROKXI   roW     -                0.0         0.716 1.878 0.866  #E8E8E8  fridge     *
GarbageBag        M       f       Plastic          1.5         0.400 0.600 0.400  #1E1E1E  sphere
GarbageCan        RMI     l       Plastic          0.7         0.445 0.539 0.333  #5A6B5A  box_open   *
HandTowel         P       fid     Fabric           0.1         0.300 0.400 0.040  #A8D5BA  towel
HandTowelHolder   RX      -       -                0.0         0.300 0.050 0.100  #B0B0B8  box
HousePlant        FM      l       Ceramic,Organic  3.0         0.409 0.501 0.333  #2E7D32  plant      *
Kettle            POF     ckv     Metal            1.0         0.250 0.250 0.200  #B0B4B8  kettle
KeyChain          P       i       Metal            0.05        0.080 0.020 0.050  #C9A227  box
Knife             P       su      Metal,Plastic    0.18        0.035 0.014 0.320  #B8BCC0  knife      *
Ladle             P       -       Metal            0.15        0.100 0.050 0.330  #BFC3C7  utensil
Laptop            POTB    e       Metal,Plastic    2.0         0.340 0.240 0.250  #3A3D42  laptop
LaundryHamper     RMI     f       Fabric           2.0         0.500 0.600 0.400  #C8B48A  box_open
Lettuce           PS      -       Food             0.47        0.148 0.148 0.250  #6DBE45  sphere     *
LettuceSliced     P       -       Food             0.05        0.150 0.030 0.150  #8FD16A  slab
LightSwitch       TX      w       -                0.0         0.086 0.146 0.040  #F0F0EC  box        *
Microwave         ROTHMI  ehozNW  Metal,Glass      6.9999995   0.366 0.352 0.606  #2F2F2F  microwave  *
Mirror            BDX     -       -                0.0         0.600 0.800 0.030  #BFD9E6  slab
Mug               PRBFDI  c       Ceramic          1.0         0.126 0.104 0.103  #3D6FB6  mug        *
Newspaper         P       fia     Paper            0.2         0.300 0.010 0.400  #D8D6CF  slab
Ottoman           RM      fba     Fabric           8.0         0.700 0.450 0.700  #5C4B3B  box
Painting          -       -       -                0.0         0.800 0.600 0.040  #B5894E  painting
Pan               PRDI    ck      Metal            0.67        0.284 0.047 0.417  #2B2B2B  pan        *
PaperTowelRoll    P       fiad    Paper            0.22        0.078 0.215 0.065  #F5F5F0  cylinder   *
Pen               P       i       Plastic,Metal    0.02        0.010 0.010 0.140  #1F3A93  utensil
Pencil            P       -       Wood             0.01        0.008 0.008 0.180  #F2C12E  utensil
PepperShaker      P       -       Metal,Glass      0.14        0.067 0.114 0.067  #3B3B3B  cylinder   *
Pillow            P       fba     Fabric           0.4         0.500 0.150 0.350  #B9C7E0  box
Plate             PRBD    c       Ceramic          0.62        0.188 0.023 0.188  #F7F7F5  plate      *
Plunger           P       -       Rubber,Wood      0.4         0.150 0.450 0.150  #8B1A1A  cylinder
Poster            -       f       -                0.0         0.500 0.700 0.010  #4A90C2  painting
Pot               PRFDI   ck      Metal            0.57        0.413 0.202 0.314  #6E6E72  pot        *
Potato            PCS     -       Food             0.18        0.083 0.067 0.091  #A67B4C  egg        *
PotatoSliced      PC      -       Food             0.03        0.080 0.020 0.060  #E9D9A6  slab
RemoteControl     P       e       Plastic          0.15        0.050 0.020 0.180  #202022  box
RoomDecor         M       -       Wood             2.0         0.400 1.200 0.400  #9C7B5A  cylinder
Safe              ROMI    o       Metal            40.0        0.450 0.450 0.450  #4D4D52  box
SaltShaker        P       -       Metal,Glass      0.4         0.068 0.111 0.068  #EDEDED  cylinder   *
ScrubBrush        P       -       Plastic          0.2         0.100 0.350 0.100  #2F6FB5  utensil
Shelf             RX      -       -                0.0         0.796 0.295 0.156  #A8876A  shelf      *
ShelvingUnit      M       -       Wood             22.0        0.939 1.484 0.466  #8F6B47  shelf      *
ShowerCurtain     OX      g       -                0.0         1.600 1.900 0.050  #E0F0F5  shower_curtain
ShowerDoor        OBX     g       -                0.0         0.900 1.900 0.050  #D5E8EE  glass_frame
ShowerGlass       BX      g       -                0.0         0.900 1.900 0.020  #D5E8EE  glass_frame
ShowerHead        TX      -       -                0.0         0.150 0.150 0.300  #BFC3C7  shower_head
SideTable         RM      -       Wood             8.0         0.500 0.600 0.500  #7E5A3C  table
Sink              X       ln      -                0.0         0.550 0.251 0.850  #EDEDED  sink_basin *
SinkBasin         RXI     ln      -                0.0         0.397 0.124 0.694  #DADDE0  sink_basin *
SoapBar           P       xp      Soap             0.1         0.090 0.030 0.060  #F7D1DC  box
SoapBottle        P       xq      Metal,Glass      0.4         0.122 0.313 0.122  #7FC8A9  bottle     *
Sofa              RM      fba     Fabric,Wood      50.0        2.000 0.900 0.900  #5B6E8C  sofa
Spatula           P       -       Metal,Plastic    0.065       0.298 0.018 0.064  #2A2A2A  utensil    *
Spoon             P       u       Metal            0.04        0.041 0.019 0.207  #C8CCD0  utensil    *
SprayBottle       P       xq      Plastic          0.4         0.100 0.280 0.070  #3FA7D6  bottle
Statue            PB      -       Metal            1.0         0.208 0.358 0.196  #8C7853  box        *
Stool             RM      -       Wood             3.0         0.400 0.650 0.400  #8A6A4A  chair
StoveBurner       RHX     hwjN    -                0.0         0.220 0.027 0.220  #2A2A2A  burner     *
StoveKnob         TX      wK      -                0.0         0.057 0.057 0.056  #1A1A1A  knob       *
TableTopDecor     P       -       Ceramic          0.5         0.150 0.200 0.150  #B36A5E  cylinder
TargetCircle      P       -       Plastic          0.05        0.150 0.005 0.150  #E53935  plate
TeddyBear         P       fa      Fabric           0.3         0.250 0.350 0.200  #A0703C  box
Television        TBM     e       Metal,Glass      10.0        1.100 0.700 0.150  #101012  tv
TennisRacket      P       -       Metal,Plastic    0.3         0.300 0.040 0.680  #2E8B57  slab
TissueBox         PU      fia     Paper            0.1         0.240 0.120 0.120  #7EC8E3  box
Toaster           RTHMI   ehoL    Metal            5.0         0.343 0.206 0.186  #B8B8BC  toaster    *
Toilet            ROX     bl      -                0.0         0.450 0.800 0.700  #F4F4F2  toilet
ToiletPaper       PU      fia     Paper            0.1         0.110 0.110 0.110  #FAFAF7  cylinder
ToiletPaperHanger RX      -       -                0.0         0.200 0.100 0.120  #B0B0B8  box
Tomato            PS      -       Food             0.11999999  0.125 0.086 0.129  #D7301F  sphere     *
TomatoSliced      P       -       Food             0.02        0.100 0.020 0.100  #E4574A  slab
Towel             P       fid     Fabric           0.5         0.500 0.800 0.050  #9CC8E8  towel
TowelHolder       RX      -       -                0.0         0.600 0.050 0.100  #B0B0B8  box
TVStand           RM      -       Wood             25.0        1.400 0.550 0.450  #4E3B2E  table
VacuumCleaner     M       e       Plastic,Metal    6.0         0.350 1.100 0.300  #C62828  box
Vase              PB      -       Ceramic          1.0         0.148 0.288 0.148  #4F7CA6  bottle     *
Watch             P       e       Metal,Glass      0.1         0.050 0.020 0.050  #B8860B  box
WateringCan       PF      -       Plastic          0.6         0.400 0.300 0.150  #3E8E41  kettle
Window            BX      g       -                0.0         2.412 1.965 0.112  #BFDDF0  window     *
WineBottle        PBF     q       Glass            1.2         0.090 0.320 0.090  #5A1A2A  bottle
"""

_SLICED: dict[str, str] = {
    "Apple": "AppleSliced", "Bread": "BreadSliced", "Lettuce": "LettuceSliced",
    "Potato": "PotatoSliced", "Tomato": "TomatoSliced", "Egg": "EggCracked",
}
_BROKEN: dict[str, str] = {"Egg": "EggCracked"}
# Breakage physics (module docstring): fall heights of the breakable types, and the soft surfaces.
_CERAMIC_GLASS = 0.8  # below counter height, above a hand drop onto a table
_DEVICE = 1.0  # survives falling off a counter, not a hand drop onto the floor
_BREAK_HEIGHT: dict[str, float] = {
    "Egg": 0.25,
    "Cup": _CERAMIC_GLASS, "Mug": _CERAMIC_GLASS, "Plate": _CERAMIC_GLASS, "Vase": _CERAMIC_GLASS,
    "Bottle": _CERAMIC_GLASS, "WineBottle": _CERAMIC_GLASS, "Mirror": _CERAMIC_GLASS, "Window": _CERAMIC_GLASS,
    "ShowerDoor": _CERAMIC_GLASS, "ShowerGlass": _CERAMIC_GLASS,
    "CellPhone": _DEVICE, "Laptop": _DEVICE, "Television": _DEVICE, "Statue": _DEVICE,
}
_SOFT: frozenset[str] = frozenset({"ArmChair", "Bed", "DogBed", "Footstool", "LaundryHamper", "Ottoman", "Pillow",
                                   "Sofa"})
# Running-water sources: type -> (the basin types it feeds, the reach in m between AABB centres, xz).
_WATER: dict[str, tuple[frozenset[str], float]] = {
    "Faucet": (frozenset({"SinkBasin", "BathtubBasin"}), 1.0),
    "ShowerHead": (frozenset({"BathtubBasin"}), 1.5),
}

# AI2-THOR ReceptacleRestrictions.PlacementRestrictions (unity/Assets/Scripts/SimObjType.cs):
# pickupable type -> receptacle types it may be placed in. "T5" abbreviates the five tables
# DiningTable TVStand CoffeeTable SideTable CounterTop; Cart/Bench (not among the 125 types) and
# the obsolete ToiletPaperRoll entry are left out.
_T5 = "DiningTable TVStand CoffeeTable SideTable CounterTop"
_FOOD = "Pot Pan Bowl Microwave Fridge Plate Sink SinkBasin T5 GarbageCan"
_CUTLERY = "Pot Pan Bowl Mug Plate Cup Sink SinkBasin T5 Drawer"
_SMALL = "Sofa ArmChair Box Ottoman Dresser Desk T5 Shelf Drawer Stool Chair Footstool"
_DISHES = "Microwave Fridge Dresser Desk Sink SinkBasin Cabinet T5 Shelf"
_PLACEMENT_RAW: dict[str, str] = {
    "AlarmClock": "Box Dresser Desk T5 Shelf Chair Stool",
    "Apple": _FOOD + " Desk Dresser", "AppleSliced": _FOOD + " Desk Dresser",
    "BaseballBat": "Bed T5 Desk Floor",
    "BasketBall": "Sofa ArmChair Dresser Desk Bed T5 Stool Chair Floor",
    "Book": "Sofa ArmChair Box Ottoman Dresser Desk Bed Cabinet T5 Shelf Drawer Stool Chair Floor",
    "Boots": "Floor",
    "Bottle": "Fridge Box Dresser Desk Sink SinkBasin Cabinet T5 Shelf GarbageCan",
    "Bowl": _DISHES, "Cup": _DISHES, "Plate": _DISHES,
    "Box": "Sofa ArmChair Dresser Desk Cabinet T5 Shelf Ottoman Stool Chair Floor",
    "Bread": "Microwave Fridge T5 Desk GarbageCan Plate",
    "BreadSliced": "Microwave Fridge T5 Desk GarbageCan Toaster Plate",
    "ButterKnife": _CUTLERY + " Desk", "Fork": _CUTLERY, "Spoon": _CUTLERY,
    "Candle": "Box Dresser Desk Toilet Bathtub Cabinet T5 Shelf Drawer Stool Chair",
    "CD": _SMALL + " Cabinet GarbageCan Safe",
    "CellPhone": _SMALL + " Bed Safe",
    "Cloth": _SMALL + " LaundryHamper Toilet BathtubBasin Bathtub Sink SinkBasin Cabinet"
             " GarbageCan Floor",
    "CreditCard": _SMALL,
    "DishSponge": "Pot Pan Bowl Plate Box Toilet BathtubBasin Bathtub Sink SinkBasin Cabinet T5"
                  " Shelf Drawer GarbageCan",
    "Egg": _FOOD, "EggCracked": _FOOD, "Potato": _FOOD, "PotatoSliced": _FOOD,
    "HandTowel": "HandTowelHolder",
    "Kettle": "T5 Sink SinkBasin Cabinet StoveBurner Shelf",
    "KeyChain": "Sofa ArmChair Box Ottoman Dresser Desk T5 Shelf Drawer Safe Stool Chair",
    "Knife": "Pot Pan Bowl Mug Plate Sink SinkBasin T5 Drawer",
    "Ladle": "Pot Pan Bowl Plate Sink SinkBasin Cabinet T5 Drawer",
    "Laptop": "Sofa ArmChair Ottoman Dresser Desk Bed T5 Stool Chair Footstool",
    "Lettuce": "Pot Pan Bowl Fridge Plate Sink SinkBasin T5 GarbageCan",
    "LettuceSliced": "Pot Pan Bowl Fridge Plate Sink SinkBasin T5 GarbageCan",
    "Mug": "CoffeeMachine Microwave Fridge Plate Box Dresser Desk Sink SinkBasin Cabinet T5 Shelf",
    "Newspaper": "Sofa ArmChair Ottoman Dresser Desk Bed Toilet Cabinet T5 Shelf Drawer GarbageCan"
                 " Stool Chair Footstool Floor",
    "Pan": "T5 Sink SinkBasin Cabinet StoveBurner Fridge",
    "PaperTowelRoll": "Box Toilet Bathtub T5 Shelf GarbageCan",
    "Pen": "Mug Box Dresser Desk T5 Shelf Drawer GarbageCan Stool Chair Footstool",
    "Pencil": "Mug Box Dresser Desk T5 Shelf Drawer GarbageCan Stool Chair Footstool",
    "PepperShaker": "T5 Drawer Cabinet Shelf", "SaltShaker": "T5 Drawer Cabinet Shelf",
    "Pillow": "Sofa ArmChair Ottoman Bed Stool Chair",
    "Plunger": "Cabinet Floor",
    "Pot": "StoveBurner Fridge Sink SinkBasin Cabinet T5 Shelf",
    "RemoteControl": _SMALL,
    "SoapBar": "Toilet Bathtub BathtubBasin Sink SinkBasin Cabinet T5 Shelf Drawer GarbageCan",
    "SoapBottle": "Dresser Desk Toilet Bathtub Sink Cabinet T5 Shelf Drawer GarbageCan",
    "Spatula": "Pot Pan Bowl Plate Sink SinkBasin T5 Drawer",
    "SprayBottle": "Dresser Desk Toilet Cabinet T5 Shelf Drawer GarbageCan",
    "Statue": "Box Dresser Desk T5 Shelf Safe",
    "TeddyBear": "Bed Sofa ArmChair Ottoman Dresser Desk T5 Safe Stool Chair",
    "TennisRacket": "Dresser Desk Bed T5 Stool Chair Floor",
    "TissueBox": "Box Dresser Desk Toilet Cabinet T5 Shelf Drawer GarbageCan Stool Chair Footstool",
    "ToiletPaper": "Dresser Desk Toilet ToiletPaperHanger Bathtub Cabinet T5 Shelf Drawer"
                   " GarbageCan Stool Chair",
    "Tomato": "T5 Sink SinkBasin Pot Bowl Fridge GarbageCan Plate",
    "TomatoSliced": "T5 Sink SinkBasin Pot Bowl Fridge GarbageCan Plate",
    "Towel": "TowelHolder",
    "Vase": "Box Dresser Desk Cabinet T5 Shelf Safe",
    "Watch": "Box Dresser Desk T5 Shelf Drawer Safe Stool Chair Footstool",
    "WateringCan": "Dresser Desk Cabinet T5 Shelf Drawer Stool Chair Floor",
    "WineBottle": "Fridge Dresser Desk Cabinet T5 Shelf GarbageCan",
    "Dumbbell": "Dresser Desk Cabinet T5 Shelf Bed Chair ArmChair Sofa Stool Footstool Floor",
    "AluminumFoil": "Dresser Drawer Desk Cabinet T5 Shelf",
    "TableTopDecor": "Dresser Desk Cabinet T5 Shelf",
    "TargetCircle": "Dresser Desk T5 Shelf Floor",
}
PLACEMENT_RESTRICTIONS: dict[str, frozenset[str]] = {
    child: frozenset(raw.replace("T5", _T5).split()) for child, raw in _PLACEMENT_RAW.items()
}

# Receptacles that accept only a few specific types (AI2-THOR "object specific receptacles" and
# the stove/toaster/coffee machine); their receptacle_for is derived from PLACEMENT_RESTRICTIONS.
OBJECT_SPECIFIC_RECEPTACLES: tuple[str, ...] = (
    "StoveBurner", "Toaster", "CoffeeMachine", "ToiletPaperHanger", "TowelHolder", "HandTowelHolder",
)


def _f32(value: float) -> float:
    """Round to float32 and back, as Unity serialises masses."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _build() -> None:
    for line in _TABLE.strip().splitlines():
        name, flags, props, mats, mass, sx, sy, sz, colour, shape = line.split()[:10]
        kwargs: dict[str, object] = {_FLAG_FIELDS[c]: True for c in flags if c in _FLAG_FIELDS}
        kwargs.update({_PROP_FIELDS[c]: True for c in props if c != "-"})
        restricted = None
        if name in OBJECT_SPECIFIC_RECEPTACLES:
            restricted = frozenset(c for c, rs in PLACEMENT_RESTRICTIONS.items() if name in rs)
        _add(TypeSpec(
            name=name,
            salient_materials=None if mats == "-" else tuple(mats.split(",")),
            mass=_f32(float(mass)),
            size=(float(sx), float(sy), float(sz)),
            color=(int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)),
            shape=shape,
            contains="in" if "I" in flags else "on",
            receptacle_for=restricted,
            sliced_type=_SLICED.get(name),
            broken_type=_BROKEN.get(name),
            break_height=_BREAK_HEIGHT.get(name) if "B" in flags else None,
            soft=name in _SOFT,
            water_feeds=_WATER[name][0] if name in _WATER else None,
            water_reach=_WATER[name][1] if name in _WATER else 0.0,
            **kwargs,  # type: ignore[arg-type]
        ))


_build()


def placement_allowed(child_type: str, receptacle_type: str) -> bool:
    """Whether AI2-THOR lets ``child_type`` be placed in/on ``receptacle_type`` (no forceAction).

    Combines the receptacle's ``receptacle_for`` with the child's PlacementRestrictions entry
    (types without an entry are unrestricted). Unknown types raise ``ValueError``.
    """
    spec = type_spec(receptacle_type)
    type_spec(child_type)
    if not spec.receptacle:
        return False
    if spec.receptacle_for is not None and child_type not in spec.receptacle_for:
        return False
    allowed = PLACEMENT_RESTRICTIONS.get(child_type)
    return allowed is None or receptacle_type in allowed


#: Names accepted by ``types_with``: the capability flags, the hazard/visibility flags and ``metal``.
BOOLEAN_PROPERTIES: frozenset[str] = frozenset(
    {f.name for f in fields(TypeSpec) if f.type in ("bool", bool)} | {"metal", "food"}
)


def types_with(prop: str) -> frozenset[str]:
    """Names of the types whose boolean TypeSpec flag or property ``prop`` is set."""
    if prop not in BOOLEAN_PROPERTIES:
        raise ValueError(f"{prop!r} is not a boolean TypeSpec property")
    return frozenset(n for n, s in OBJECT_TYPES.items() if getattr(s, prop))


# Derived from the flags once, for fast membership tests.
ELECTRONICS = types_with("electronic")
FLAMMABLES = types_with("flammable")
SHARP = types_with("sharp")
METALLIC = types_with("metal")
METAL_UTENSILS = types_with("metal_utensil")
FOOD_OR_DRINK_CONTAINERS = types_with("food_or_drink_container")
FOOD_STORAGE = types_with("food_storage")
CLEANING_PRODUCTS = types_with("cleaning_product")
COOKWARE = types_with("cookware")
HEAT_APPLIANCES = types_with("heat_appliance")
BODY_CONTACT = types_with("body_contact")
LIQUID_SINKS = types_with("liquid_sink")
SEE_THROUGH = types_with("see_through")
BASINS = types_with("basin")
FRONT_OPENING = types_with("front_opening")
BREAKABLE = types_with("breakable")
ELECTRICAL_FIXTURES = types_with("electrical_fixture")
SEALED = types_with("sealed")
INEDIBLE = types_with("inedible")
BOIL_VESSELS = types_with("boil_vessel")
HOBS = types_with("hob")
MESSY = types_with("messy")
WATER_SENSITIVE = types_with("water_sensitive")
MELTS = types_with("melts")
FLOORS = types_with("floor")
SLIPPERY = types_with("slippery")
WIPERS = types_with("wiper")
MICROWAVE_OVENS = types_with("microwave_oven")
BURSTS_WHOLE = types_with("bursts_whole")
LIVE_SLOTS = types_with("live_slots")
NO_DRY_RUN = types_with("no_dry_run")
OPEN_FLAMES = types_with("open_flame")
DRINK_STATIONS = types_with("drink_station")
WET_INSIDE_OK = types_with("wet_inside_ok")
HEAT_CONTROLS = types_with("heat_control")
#: Running-water source type -> (basin types it feeds, reach in m): the types with ``water_feeds``.
WATER_SOURCES: dict[str, tuple[frozenset[str], float]] = {
    n: (s.water_feeds, s.water_reach) for n, s in OBJECT_TYPES.items() if s.water_feeds
}

#: The properties the hazard rules read (the others steer visibility and rendering).
HAZARD_PROPERTIES: tuple[str, ...] = (
    "electronic", "flammable", "sharp", "metal", "metal_utensil", "food_or_drink_container", "food_storage",
    "cleaning_product", "cookware", "heat_appliance", "body_contact", "liquid_sink", "electrical_fixture", "sealed",
    "inedible", "boil_vessel", "hob", "messy", "water_sensitive", "melts", "floor", "slippery", "wiper",
    "microwave_oven", "bursts_whole", "live_slots", "no_dry_run", "open_flame", "drink_station", "wet_inside_ok",
    "heat_control",
)
#: Every type the hazard rules name through one of those properties.
HAZARD_TYPES: frozenset[str] = frozenset().union(*(types_with(p) for p in HAZARD_PROPERTIES))
