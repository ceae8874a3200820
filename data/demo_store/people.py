"""Who is in the demo: the five Nordet agents, and the names, e-mail domains, cities, postal codes
and phone area codes that customers are drawn from."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEMO_PASSWORD = "demo-agent"


@dataclass(frozen=True)
class DemoAgent:
    """A support agent of the demo store. All share the password ``demo-agent``."""

    name: str
    email: str
    role: str  # admin | agent
    language: str  # the language of their internal notes
    weight_fr: float  # share of French tickets they take
    weight_en: float

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


DEMO_AGENTS: tuple[DemoAgent, ...] = (
    DemoAgent("Émilie Tremblay", "emilie.tremblay@nordet.example", "admin", "fr", 0.16, 0.08),
    DemoAgent("Marc-André Gagnon", "marc-andre.gagnon@nordet.example", "agent", "fr", 0.32, 0.04),
    DemoAgent("Sarah Cohen", "sarah.cohen@nordet.example", "agent", "en", 0.10, 0.42),
    DemoAgent("Kevin Nguyen", "kevin.nguyen@nordet.example", "agent", "en", 0.10, 0.40),
    DemoAgent("Julie Bouchard", "julie.bouchard@nordet.example", "agent", "fr", 0.32, 0.06),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_FR = _words(
    """
    Émilie Mathieu Sophie Jean-François Geneviève Marie-Ève Guillaume Olivier Catherine Isabelle
    Maxime Alexandre Nathalie Sylvie Stéphane Mélanie Patrick Annie Josée Benoît Chloé Léa Félix
    Gabriel Samuel Justine Camille Jérôme Martin Valérie Julie François Marc-Antoine Véronique
    Caroline Simon Louis Éric Karine Mélissa Vincent Frédéric Amélie Audrey Philippe Pierre-Luc
    Marie-Claude Sébastien Danielle Francine Denis Réjean Ginette Lucie Yves Manon Raymond Gilles
    Hélène Jacinthe Noémie Rosalie Thomas William Zoé Florence Antoine Charles Laurence Anne-
    Sophie Étienne Mireille Nicolas Andrée Benjamin Coralie Dominique Élodie Hugo Xavier
    """
)
LAST_FR = _words(
    """
    Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier
    Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé
    Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin Landry
    Martel Bédard Grenier Lessard Bernier Richard Michaud Hébert Desjardins Couture Turcotte
    Lachance Parent Blais Gosselin Savard Proulx Beaudoin Demers Perreault Boudreau Lemieux Cyr
    Perron Dufour Dion Mercier Bolduc Bérubé Boisvert Langlois Ménard Therrien Plante Bilodeau
    Blanchette Dussault Labelle Vaillancourt Chartrand Desrosiers Rioux Paradis Laflamme Champagne
    Bouchard-Roy Gingras Tanguay Hamel Lavallée Marcotte Guay Thériault Ouellette Vachon
    """
)
FIRST_EN = _words(
    """
    Sarah Michael Jennifer David Emily Jessica Ryan Ashley Matthew Lauren Daniel Megan Chris
    Amanda Kevin Rachel Brandon Nicole Tyler Stephanie James Olivia Liam Emma Noah Ava Ethan
    Hannah Priya Raj Wei Mei Ahmed Fatima Omar Aisha Jason Heather Andrew Kimberly Justin Samantha
    Mark Laura Brian Melissa Scott Karen Jordan Taylor Connor Madison Owen Chloe Lucas Grace Aiden
    Sophia Harpreet Gurpreet Ana Carlos Yuki Min-jun Siobhan Declan Fiona Graham Morgan Leah
    """
)
LAST_EN = _words(
    """
    Smith Brown Wilson MacDonald Taylor Campbell Anderson Jones Thompson Johnson White Williams
    Miller Scott Stewart Murphy Reid Robinson Clarke Young Walker Kelly Patel Singh Nguyen Chen Li
    Wong Kim Cohen Friedman Goldberg O'Brien Fraser MacLeod Morrison Graham Hughes Bennett Ross
    Sullivan Cameron Gill Sharma Hassan Ali Rossi Santos Tanaka Park Kowalski Novak Murray
    Davidson Ferguson Hamilton Lee Martin Leblanc Roy
    """
)


# name → the ASCII form used in e-mail addresses and handles.
def ascii_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum() or ch == "-")


@dataclass(frozen=True)
class City:
    name: str
    weight: float
    fsas: tuple[str, ...]
    area_codes: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    code: str
    weight: float
    fr_share: float  # share of French-speaking customers
    gst_rate: int  # per 100,000: GST, or HST where harmonised
    pst_rate: int  # per 100,000: QST in Québec, PST elsewhere
    cities: tuple[City, ...]
    french_streets: bool = False


PROVINCES: tuple[Province, ...] = (
    Province(
        "QC",
        0.72,
        0.82,
        5000,
        9975,
        (
            City(
                "Montréal",
                0.30,
                (
                    "H2X",
                    "H2J",
                    "H2T",
                    "H2L",
                    "H1V",
                    "H3A",
                    "H3H",
                    "H4A",
                    "H2G",
                    "H1Y",
                    "H3S",
                    "H4C",
                ),
                ("514", "438"),
            ),
            City("Laval", 0.07, ("H7N", "H7T", "H7G", "H7W"), ("450", "579")),
            City("Longueuil", 0.05, ("J4K", "J4H", "J4M"), ("450",)),
            City("Québec", 0.12, ("G1R", "G1K", "G1V", "G1S", "G2B", "G1L"), ("418", "581")),
            City("Lévis", 0.03, ("G6V", "G6W"), ("418",)),
            City("Gatineau", 0.05, ("J8Y", "J8T", "J9H"), ("819", "873")),
            City("Sherbrooke", 0.05, ("J1H", "J1J", "J1E"), ("819",)),
            City("Trois-Rivières", 0.04, ("G9A", "G8Y", "G8T"), ("819",)),
            City("Saguenay", 0.04, ("G7H", "G7B", "G7S"), ("418",)),
            City("Saint-Jérôme", 0.02, ("J7Z", "J7Y"), ("450",)),
            City("Drummondville", 0.02, ("J2B", "J2C"), ("819",)),
            City("Rimouski", 0.02, ("G5L", "G5M"), ("418",)),
            City("Saint-Hyacinthe", 0.02, ("J2S", "J2T"), ("450",)),
            City("Granby", 0.02, ("J2G", "J2H"), ("450",)),
            City("Terrebonne", 0.03, ("J6W", "J6Y"), ("450",)),
            City("Brossard", 0.02, ("J4W", "J4Z"), ("450",)),
            City("Rouyn-Noranda", 0.01, ("J9X",), ("819",)),
            City("Sept-Îles", 0.01, ("G4R",), ("418",)),
            City("Blainville", 0.02, ("J7C", "J7B"), ("450",)),
            City("Victoriaville", 0.01, ("G6P",), ("819",)),
            City("Mont-Tremblant", 0.01, ("J8E",), ("819",)),
        ),
        french_streets=True,
    ),
    Province(
        "ON",
        0.13,
        0.08,
        13000,
        0,
        (
            City("Toronto", 0.35, ("M5V", "M4C", "M6G", "M4S", "M5R", "M6P"), ("416", "647")),
            City("Ottawa", 0.22, ("K1N", "K2P", "K1S", "K2G", "K1Y"), ("613", "343")),
            City("Mississauga", 0.08, ("L5B", "L5M"), ("905",)),
            City("Hamilton", 0.06, ("L8P", "L9A"), ("905",)),
            City("London", 0.05, ("N6A", "N6G"), ("519",)),
            City("Kingston", 0.05, ("K7L", "K7M"), ("613",)),
            City("Sudbury", 0.04, ("P3E", "P3A"), ("705",)),
            City("Cornwall", 0.04, ("K6H", "K6J"), ("613",)),
            City("Hawkesbury", 0.03, ("K6A",), ("613",)),
            City("Thunder Bay", 0.03, ("P7B",), ("807",)),
            City("Waterloo", 0.05, ("N2L", "N2J"), ("519",)),
        ),
    ),
    Province(
        "BC",
        0.04,
        0.04,
        5000,
        7000,
        (
            City("Vancouver", 0.5, ("V5K", "V6B", "V6K"), ("604", "778")),
            City("Victoria", 0.25, ("V8V", "V8W"), ("250",)),
            City("Kelowna", 0.25, ("V1Y",), ("250",)),
        ),
    ),
    Province(
        "AB",
        0.03,
        0.04,
        5000,
        0,
        (
            City("Calgary", 0.55, ("T2P", "T3A", "T2N"), ("403", "587")),
            City("Edmonton", 0.45, ("T5J", "T6E"), ("780",)),
        ),
    ),
    Province(
        "NB",
        0.025,
        0.35,
        15000,
        0,
        (
            City("Moncton", 0.45, ("E1C", "E1A"), ("506",)),
            City("Fredericton", 0.35, ("E3B",), ("506",)),
            City("Edmundston", 0.2, ("E3V",), ("506",)),
        ),
    ),
    Province("NS", 0.02, 0.04, 14000, 0, (City("Halifax", 1.0, ("B3H", "B3K"), ("902",)),)),
    Province(
        "MB",
        0.015,
        0.04,
        5000,
        7000,
        (City("Winnipeg", 1.0, ("R3C", "R2M", "R3T"), ("204", "431")),),
    ),
    Province(
        "SK",
        0.01,
        0.04,
        5000,
        6000,
        (
            City("Saskatoon", 0.6, ("S7K", "S7N"), ("306",)),
            City("Regina", 0.4, ("S4P",), ("306",)),
        ),
    ),
    Province("NL", 0.005, 0.04, 15000, 0, (City("St. John's", 1.0, ("A1C", "A1B"), ("709",)),)),
    Province("PE", 0.005, 0.04, 15000, 0, (City("Charlottetown", 1.0, ("C1A",), ("902",)),)),
)
PROVINCE_CODES = tuple(p.code for p in PROVINCES)
QC, ON = 0, 1

STREETS_FR = (
    "rue Saint-Denis",
    "boulevard Saint-Laurent",
    "rue Notre-Dame",
    "rue Principale",
    "rue Saint-Jean",
    "avenue des Érables",
    "rue des Pins",
    "boulevard Laurier",
    "rue Champlain",
    "rue Wellington",
    "chemin Sainte-Foy",
    "avenue du Parc",
    "rue King Ouest",
    "boulevard des Forges",
    "rue Racine Est",
    "rue de la Montagne",
    "avenue Cartier",
    "rue Beaubien Est",
    "rue Masson",
    "boulevard René-Lévesque Est",
    "rue du Lac",
    "chemin du Roy",
    "rue Saint-Georges",
    "avenue Papineau",
    "rue Fleury Ouest",
    "rue des Bouleaux",
    "rue de l'Église",
    "montée Sainte-Thérèse",
)
STREETS_EN = (
    "King Street West",
    "Queen Street East",
    "Main Street",
    "Bank Street",
    "Maple Avenue",
    "Elm Street",
    "Church Street",
    "Victoria Avenue",
    "Wellington Street",
    "Dundas Street",
    "College Street",
    "Oak Drive",
    "Lakeshore Road",
    "Park Avenue",
    "Richmond Road",
    "Spring Garden Road",
    "Portage Avenue",
    "Jasper Avenue",
    "Granville Street",
    "Water Street",
)

# Apartment towers where a missing unit number stops delivery: (address, city, FSA), per province.
TOWERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "QC": (
        ("1200 rue Sherbrooke Ouest", "Montréal", "H3A"),
        ("3450 rue Drummond", "Montréal", "H3G"),
        ("2300 boulevard René-Lévesque Ouest", "Montréal", "H3H"),
        ("1035 avenue Wilfrid-Pelletier", "Québec", "G1W"),
    ),
    "ON": (
        ("500 King Street West", "Toronto", "M5V"),
        ("30 Charles Street West", "Toronto", "M4Y"),
        ("200 Rideau Street", "Ottawa", "K1N"),
    ),
}

# E-mail domains by region: (domain, weight).
DOMAINS: dict[str, tuple[tuple[str, float], ...]] = {
    "QC": (
        ("gmail.com", 0.34),
        ("hotmail.com", 0.2),
        ("videotron.ca", 0.12),
        ("outlook.com", 0.08),
        ("yahoo.ca", 0.06),
        ("sympatico.ca", 0.05),
        ("icloud.com", 0.05),
        ("live.ca", 0.04),
        ("cgocable.ca", 0.02),
        ("globetrotter.net", 0.02),
        ("bell.net", 0.02),
    ),
    "ON": (
        ("gmail.com", 0.38),
        ("hotmail.com", 0.12),
        ("rogers.com", 0.1),
        ("outlook.com", 0.1),
        ("yahoo.ca", 0.08),
        ("sympatico.ca", 0.06),
        ("icloud.com", 0.08),
        ("bell.net", 0.05),
        ("live.ca", 0.03),
    ),
    "other": (
        ("gmail.com", 0.4),
        ("hotmail.com", 0.12),
        ("outlook.com", 0.1),
        ("shaw.ca", 0.1),
        ("telus.net", 0.08),
        ("yahoo.ca", 0.08),
        ("icloud.com", 0.08),
        ("eastlink.ca", 0.04),
    ),
}


def object_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame that keeps string columns as plain object arrays (pandas 3 would turn them
    into Arrow strings, and every ``to_numpy`` would convert them back)."""
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object else v
            for k, v in columns.items()
        }
    )


def pick(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    """Indexes drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _postal_tail(rng: np.random.Generator, n: int) -> np.ndarray:
    letters = np.array(list("ABCEGHJKLMNPRSTVWXYZ"))
    d1 = rng.integers(0, 10, n).astype(str)
    ch = letters[rng.integers(0, len(letters), n)]
    d2 = rng.integers(0, 10, n).astype(str)
    return np.char.add(np.char.add(d1, ch), d2)


@dataclass
class Addresses:
    """Column arrays of postal addresses (all the same length)."""

    province: np.ndarray  # index into PROVINCES
    city: np.ndarray
    address1: np.ndarray
    address2: np.ndarray  # object array, None where there is no unit
    postal: np.ndarray
    area_code: np.ndarray


def draw_addresses(rng: np.random.Generator, province: np.ndarray) -> Addresses:
    """A real-looking address in each given province, postal code matching the province."""
    n = len(province)
    city = np.empty(n, dtype=object)
    fsa = np.empty(n, dtype=object)
    area = np.empty(n, dtype=object)
    street = np.empty(n, dtype=object)
    for p_index, prov in enumerate(PROVINCES):
        rows = np.flatnonzero(province == p_index)
        if not len(rows):
            continue
        c_index = pick(rng, [c.weight for c in prov.cities], len(rows))
        pool = STREETS_FR if prov.french_streets else STREETS_EN
        street[rows] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(rows))]
        for ci, c in enumerate(prov.cities):
            sub = rows[c_index == ci]
            city[sub] = c.name
            fsa[sub] = np.array(c.fsas, dtype=object)[rng.integers(0, len(c.fsas), len(sub))]
            area[sub] = np.array(c.area_codes, dtype=object)[
                rng.integers(0, len(c.area_codes), len(sub))
            ]
    number = rng.integers(10, 9800, n)
    address1 = np.array([f"{num} {st}" for num, st in zip(number, street, strict=True)], object)
    quebec_style = np.isin(province, [QC]) | (province == PROVINCE_CODES.index("NB"))
    has_unit = rng.random(n) < np.where(quebec_style, 0.38, 0.25)
    unit = rng.integers(1, 40, n) * np.where(rng.random(n) < 0.3, 100, 1) + rng.integers(0, 9, n)
    unit_style = rng.random(n) < 0.5
    address2 = np.full(n, None, dtype=object)
    for i in np.flatnonzero(has_unit):
        if quebec_style[i]:
            address2[i] = f"app. {unit[i]}" if unit_style[i] else f"# {unit[i]}"
        else:
            address2[i] = f"Apt {unit[i]}" if unit_style[i] else f"Unit {unit[i]}"
    postal = np.char.add(np.char.add(fsa.astype(str), " "), _postal_tail(rng, n)).astype(object)
    return Addresses(province, city, address1, address2, postal, area)


def wrong_postal_codes(rng: np.random.Generator, province: np.ndarray) -> np.ndarray:
    """Postal codes whose first letter belongs to another province (a typo or an old address)."""
    n = len(province)
    foreign = {
        QC: ("K2P", "K1N", "M5V", "K6A"),  # Ottawa/Toronto codes typed in Québec
        ON: ("H2X", "J8Y", "H3A"),
    }
    default = ("H2X", "K1N", "J4K")
    fsa = np.empty(n, dtype=object)
    for i in range(n):
        pool = foreign.get(int(province[i]), default)
        fsa[i] = pool[int(rng.integers(0, len(pool)))]
    return np.char.add(np.char.add(fsa.astype(str), " "), _postal_tail(rng, n)).astype(object)


def postal_matches_province(postal: str, province: str) -> bool:
    """Whether a postal code's first letter belongs to the province (Canada Post's letters)."""
    first = {
        "QC": "GHJ",
        "ON": "KLMNP",
        "BC": "V",
        "AB": "T",
        "NB": "E",
        "NS": "B",
        "MB": "R",
        "SK": "S",
        "NL": "A",
        "PE": "C",
    }
    return bool(postal) and postal[0].upper() in first.get(province, "")


def draw_people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` customers: name, language, province, e-mail (unique), phone and home address."""
    province = pick(rng, [p.weight for p in PROVINCES], n)
    fr_share = np.array([p.fr_share for p in PROVINCES])[province]
    is_fr = rng.random(n) < fr_share
    # Names mostly follow the language; Québec has many mixed couples and names.
    fr_names = np.where(is_fr, rng.random(n) < 0.93, rng.random(n) < 0.12)
    fr_last = np.where(is_fr, rng.random(n) < 0.9, rng.random(n) < 0.15)
    first = np.where(
        fr_names,
        np.array(FIRST_FR, object)[rng.integers(0, len(FIRST_FR), n)],
        np.array(FIRST_EN, object)[rng.integers(0, len(FIRST_EN), n)],
    )
    last = np.where(
        fr_last,
        np.array(LAST_FR, object)[rng.integers(0, len(LAST_FR), n)],
        np.array(LAST_EN, object)[rng.integers(0, len(LAST_EN), n)],
    )
    name = np.array([f"{a} {b}" for a, b in zip(first, last, strict=True)], dtype=object)

    ascii_first = {nm: ascii_name(nm) for nm in (*FIRST_FR, *FIRST_EN)}
    ascii_last = {nm: ascii_name(nm) for nm in (*LAST_FR, *LAST_EN)}
    af = np.array([ascii_first[x] for x in first], dtype=object)
    al = np.array([ascii_last[x] for x in last], dtype=object)
    style = rng.integers(0, 7, n)
    num = rng.integers(1, 99, n)
    year = rng.integers(60, 100, n) % 100
    local = np.empty(n, dtype=object)
    for s, fmt in enumerate(
        (
            "{f}.{l}",
            "{f}{l}",
            "{fi}{l}",
            "{f}.{l}{num}",
            "{f}_{l}",
            "{l}.{f}",
            "{f}{year:02d}",
        )
    ):
        rows = np.flatnonzero(style == s)
        local[rows] = [
            fmt.format(f=a, l=b, fi=a[0], num=c, year=d)
            for a, b, c, d in zip(af[rows], al[rows], num[rows], year[rows], strict=True)
        ]
    domain = np.empty(n, dtype=object)
    for region, mask in (
        ("QC", province == QC),
        ("ON", province == ON),
        ("other", (province != QC) & (province != ON)),
    ):
        rows = np.flatnonzero(mask)
        names, weights = zip(*DOMAINS[region], strict=True)
        domain[rows] = np.array(names, object)[pick(rng, weights, len(rows))]
    email = pd.Series(local + "@" + domain)
    # Make every address unique: append digits to the later duplicates until none is left.
    dup = email.duplicated().to_numpy()
    while dup.any():
        rows = np.flatnonzero(dup)
        extra = rng.integers(2, 9999, len(rows)).astype(str)
        parts = email.iloc[rows].str.split("@", n=1, expand=True)
        email.iloc[rows] = (parts[0] + extra.astype(object) + "@" + parts[1]).to_numpy()
        dup = email.duplicated().to_numpy()

    home = draw_addresses(rng, province)
    phone_tail = rng.integers(0, 100, n)  # 555-01XX: the numbers reserved for fiction
    phone = np.array(
        [f"{a}-555-01{t:02d}" for a, t in zip(home.area_code, phone_tail, strict=True)],
        dtype=object,
    )
    return object_frame(
        {
            "first": first,
            "last": last,
            "name": name,
            "ascii_first": af,
            "ascii_last": al,
            "language": np.where(is_fr, "fr", "en").astype(object),
            "province": province,
            "email": email.to_numpy(dtype=object),
            "phone": phone,
            "city": home.city,
            "address1": home.address1,
            "address2": home.address2,
            "postal": home.postal,
        }
    )
