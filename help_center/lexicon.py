"""Search vocabulary for the help center: stop words, synonym groups and informal concepts.

This module is data. `search.py` analyses every phrase here with the same French or English
analyser as the articles (accent folding and Snowball stemming), so phrases are written the
way people type them, accents or not, singular or plural.

- `STOPWORDS`: words that carry no topic on their own. They are still seen by concept
  triggers ("pas reçu", "where is my"), so negations and question words are not lost.
- `SYNONYM_GROUPS`: words and phrases, in both languages, that mean the same thing to a
  customer. An article and a query that use different members of a group still match.
- `CONCEPTS`: informal ways of asking ("j'ai pas reçu mon paquet", "where's my stuff",
  "c'est trop petit") mapped to the words the right article uses. A trigger matches when its
  words appear in order in the query, with at most two other words between each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = (
    "CONCEPTS",
    "DEFAULT_LEXICON",
    "STOPWORDS",
    "SYNONYM_GROUPS",
    "Concept",
    "Lexicon",
    "SynonymGroup",
)


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases that mean the same thing, in French and in English."""

    name: str
    fr: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """An informal way of asking, and the words of the articles that answer it."""

    name: str
    triggers: tuple[str, ...]
    """Phrases in either language; words in order, up to two other words between each."""
    fr: tuple[str, ...]
    """Words added to a query searched in French articles."""
    en: tuple[str, ...]
    """Words added to a query searched in English articles."""


@dataclass(frozen=True)
class Lexicon:
    """Everything the search needs besides the articles."""

    stopwords: dict[str, frozenset[str]] = field(default_factory=dict)
    groups: tuple[SynonymGroup, ...] = ()
    concepts: tuple[Concept, ...] = ()


_FR_STOPWORDS = """
a ai aider aie aient aies aimerais ait al aller allo alors apres après as au aucun aujourd aussi
autant autre aux avais avait avant avec avez aviez avoir avons ayant besoin bon bonjour bonsoir
c ca ce ceci cela celle celui ces cet cette chez ci combien comme comment d dans de deja depuis
des dire dois doit donc dont du déjà elle elles en encore es est et etais etait etre eu eux
faire fais fait fallait faut hier hui il ils j je jusqu l la le les leur leurs lui là m ma mais
me meme mes moi mon même n ne ni nos notre nous on ont ou où par parce pas pense peu peut peux
plus pour pourquoi prend prendre puis qu quand que quel quelle quelles quels qui quoi s sa sais
salut sans savoir se ses si sil son sont suis sur svp t ta te tes toi ton toujours tous tout
toute toutes tres trop très tu un une unes uns v vais veut veux voici voila voilà voir vont vos
votre voudrais vous vs y à ça été être
"""

_EN_STOPWORDS = """
a about after again all also am an and any anything are aren as at be been before being both but
by can cannot could couldn d did didn do does doesn doing don done for from get gets getting go
going got had hadn has hasn have haven having he hello help her here hers hi him his how i if in
into is isn it its itself just know let like ll m make many me might more most much must my
myself need no nor not now of off on once only or other our ours out over please re s same shall
she should so some something still such t take takes tell than thank thanks that the their
theirs them then there these they thing things this those through to too under until up ve very
want wanted was wasn we were weren what when where which while who whom why will with won would
wouldn yet you your yours
"""

STOPWORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(_FR_STOPWORDS.split()),
    "en": frozenset(_EN_STOPWORDS.split()),
}

# fmt: off
SYNONYM_GROUPS: tuple[SynonymGroup, ...] = (
    SynonymGroup(
        "parcel",
        fr=("colis", "paquet", "boîte"),
        en=("parcel", "package", "box", "shipment"),
    ),
    SynonymGroup(
        "order",
        fr=("commande", "commander", "achat", "mes affaires", "mon stock", "mes articles"),
        en=("order", "ordered", "purchase", "stuff", "my things", "my items"),
    ),
    SynonymGroup(
        "shipping",
        fr=("livraison", "livrer", "envoi", "expédition", "expédier", "transport", "poster"),
        en=("shipping", "ship", "delivery", "deliver", "mail out"),
    ),
    SynonymGroup(
        "carrier",
        fr=("transporteur", "Postes Canada", "Purolator", "UPS", "Intelcom", "Nationex", "livreur"),
        en=("carrier", "courier", "Canada Post", "Purolator", "UPS", "Intelcom", "Nationex"),
    ),
    SynonymGroup(
        "tracking",
        fr=("suivi", "suivre", "numéro de suivi", "retracer", "statut"),
        en=("tracking", "track", "tracking number", "trace", "status"),
    ),
    SynonymGroup(
        "delay",
        fr=("retard", "en retard", "lent", "long", "attente"),
        en=("late", "delay", "delayed", "slow", "taking forever"),
    ),
    SynonymGroup(
        "duration",
        fr=("délai", "délais", "combien de temps", "jours ouvrables"),
        en=("how long", "delivery time", "business days", "days"),
    ),
    SynonymGroup(
        "cost",
        fr=("frais", "coût", "coûte", "prix", "cher", "tarif"),
        en=("cost", "costs", "fee", "fees", "price", "charge", "how much", "expensive"),
    ),
    SynonymGroup(
        "free",
        fr=("gratuit", "gratuite", "sans frais"),
        en=("free", "no charge"),
    ),
    SynonymGroup(
        "abroad",
        fr=("États-Unis", "USA", "américain", "international", "douane", "douanes"),
        en=("United States", "USA", "American", "international", "customs", "duties"),
    ),
    SynonymGroup(
        "remote",
        fr=("région éloignée", "régions éloignées", "Nord", "Nunavik", "territoires"),
        en=("remote", "remote area", "north", "Nunavik", "territories", "Yukon", "Nunavut"),
    ),
    SynonymGroup(
        "region",
        fr=(
            "Montréal", "Québec", "Ontario", "Toronto", "Ottawa", "Gatineau", "Sherbrooke",
            "Trois-Rivières", "Saguenay", "Rimouski", "Gaspésie", "Gaspé", "Abitibi", "Côte-Nord",
            "Îles-de-la-Madeleine", "Maritimes", "Nouveau-Brunswick", "Nouvelle-Écosse",
            "Île-du-Prince-Édouard", "Terre-Neuve", "Manitoba", "Winnipeg", "Saskatchewan",
            "Alberta", "Calgary", "Edmonton", "Colombie-Britannique", "Vancouver", "Yukon",
            "Whitehorse", "Yellowknife", "Nunavut", "Iqaluit", "Nunavik", "province", "région",
        ),
        en=(
            "Montreal", "Quebec", "Ontario", "Toronto", "Ottawa", "Maritimes", "New Brunswick",
            "Nova Scotia", "Halifax", "Prince Edward Island", "Newfoundland", "Manitoba",
            "Winnipeg", "Saskatchewan", "Alberta", "Calgary", "Edmonton", "British Columbia",
            "Vancouver", "Yukon", "Whitehorse", "Northwest Territories", "Yellowknife", "Nunavut",
            "Iqaluit", "Magdalen Islands", "province", "region",
        ),
    ),
    SynonymGroup(
        "pickup",
        fr=(
            "cueillette", "ramassage", "ramasser", "passer chercher", "aller chercher", "récupérer",
        ),
        en=("pickup", "pick up", "collect", "in person"),
    ),
    SynonymGroup(
        "return",
        fr=("retour", "retourner", "renvoyer", "rapporter", "remettre"),
        en=("return", "returns", "send back", "ship back", "give back"),
    ),
    SynonymGroup(
        "return_label",
        fr=("étiquette", "étiquette de retour", "bordereau", "code QR", "imprimer"),
        en=("label", "return label", "shipping label", "QR code", "print"),
    ),
    SynonymGroup(
        "refund",
        fr=("remboursement", "rembourser", "remboursé", "argent", "ravoir"),
        en=("refund", "refunded", "reimburse", "money", "money back"),
    ),
    SynonymGroup(
        "exchange",
        fr=("échange", "échanger", "changer pour", "remplacer par", "troquer"),
        en=("exchange", "swap", "switch", "change for", "trade"),
    ),
    SynonymGroup(
        "size",
        fr=("taille", "grandeur", "pointure", "format", "mesures", "grosseur"),
        en=("size", "sizing", "fit", "fits", "measurements", "measure"),
    ),
    SynonymGroup(
        "colour",
        fr=(
            "couleur", "teinte", "noir", "blanc", "rouge", "bleu", "vert", "gris", "marine",
            "beige",
        ),
        en=("colour", "color", "shade", "black", "white", "red", "blue", "green", "grey", "navy"),
    ),
    SynonymGroup(
        "too_small_big",
        fr=("trop petit", "trop petite", "trop grand", "trop grande", "trop serré", "trop large"),
        en=("too small", "too big", "too tight", "too large", "too loose", "doesn't fit"),
    ),
    SynonymGroup(
        "damaged",
        fr=(
            "endommagé", "brisé", "briser", "cassé", "abîmé", "déchiré", "défectueux", "défaut",
            "décousu", "troué", "lâché", "magané", "scrap",
        ),
        en=(
            "damaged", "broken", "broke", "defective", "defect", "torn", "ripped", "faulty", "hole",
            "came apart", "busted",
        ),
    ),
    SynonymGroup(
        "zipper",
        fr=("fermeture éclair", "zip", "zipper", "fermeture à glissière", "fermoir"),
        en=("zipper", "zip"),
    ),
    SynonymGroup(
        "warranty",
        fr=("garantie", "garanti"),
        en=("warranty", "guarantee", "guaranteed"),
    ),
    SynonymGroup(
        "wrong",
        fr=("mauvais", "mauvaise", "erroné", "erreur", "trompé", "pas le bon", "pas la bonne"),
        en=("wrong", "incorrect", "mistake", "not the right", "error"),
    ),
    SynonymGroup(
        "missing",
        fr=("manquant", "manque", "oublié"),
        en=("missing", "forgot", "left out"),
    ),
    SynonymGroup(
        "lost",
        fr=("perdu", "égaré", "disparu", "introuvable", "jamais arrivé"),
        en=("lost", "missing parcel", "disappeared", "never arrived", "vanished"),
    ),
    SynonymGroup(
        "stolen",
        fr=("volé", "vol", "voleur", "piqué"),
        en=("stolen", "stole", "theft", "thief", "porch pirate"),
    ),
    SynonymGroup(
        "porch",
        fr=("perron", "galerie", "balcon", "devant la porte"),
        en=("porch", "doorstep", "front door", "balcony"),
    ),
    SynonymGroup(
        "received",
        fr=("reçu", "recevoir", "arrivé", "arrivée", "rentré"),
        en=("received", "receive", "arrived", "arrive", "came"),
    ),
    SynonymGroup(
        "address",
        fr=("adresse", "adresse de livraison", "code postal", "appartement", "case postale"),
        en=("address", "shipping address", "postal code", "apartment", "PO box", "zip code"),
    ),
    SynonymGroup(
        "moving",
        fr=("déménager", "déménagement", "déménage", "nouvelle adresse"),
        en=("moving", "move", "relocating", "new address"),
    ),
    SynonymGroup(
        "cancel",
        fr=("annuler", "annulation", "annulé", "changé d'idée"),
        en=("cancel", "cancellation", "cancelled", "canceled", "changed my mind"),
    ),
    SynonymGroup(
        "modify",
        fr=("modifier", "modification", "changer", "corriger", "ajouter"),
        en=("change", "modify", "edit", "update", "correct", "add"),
    ),
    SynonymGroup(
        "duplicate",
        fr=("en double", "deux fois", "doublon"),
        en=("twice", "duplicate", "double"),
    ),
    SynonymGroup(
        "payment",
        fr=("paiement", "payer", "payé", "carte", "carte de crédit", "mode de paiement", "débit"),
        en=("payment", "pay", "paid", "card", "credit card", "payment method", "debit"),
    ),
    SynonymGroup(
        "wallet",
        fr=(
            "PayPal", "Apple Pay", "Google Pay", "Shop Pay", "Interac", "Visa", "Mastercard",
            "American Express", "Amex",
        ),
        en=(
            "PayPal", "Apple Pay", "Google Pay", "Shop Pay", "Interac", "Visa", "Mastercard",
            "American Express", "Amex",
        ),
    ),
    SynonymGroup(
        "declined",
        fr=("refusé", "refusée", "refus", "rejeté", "passe pas"),
        en=("declined", "refused", "rejected", "denied", "didn't go through", "failed"),
    ),
    SynonymGroup(
        "charged",
        fr=("débité", "facturé", "chargé", "prélevé"),
        en=("charged", "billed", "debited"),
    ),
    SynonymGroup(
        "taxes",
        fr=("taxe", "taxes", "TPS", "TVQ", "TVH", "taxe de vente"),
        en=("tax", "taxes", "GST", "QST", "HST", "PST", "sales tax"),
    ),
    SynonymGroup(
        "invoice",
        fr=("facture", "reçu de caisse"),
        en=("invoice", "receipt"),
    ),
    SynonymGroup(
        "promo",
        fr=("code promo", "code rabais", "rabais", "coupon", "réduction", "escompte", "promo"),
        en=("promo code", "discount code", "discount", "coupon", "voucher", "promo", "promotion"),
    ),
    SynonymGroup(
        "final_sale",
        fr=("vente finale", "solde", "soldes", "liquidation", "en spécial"),
        en=("final sale", "sale", "clearance", "on sale"),
    ),
    SynonymGroup(
        "gift_card",
        fr=("carte-cadeau", "carte cadeau", "cadeau"),
        en=("gift card", "gift"),
    ),
    SynonymGroup(
        "newsletter",
        fr=("infolettre", "abonner", "abonnement"),
        en=("newsletter", "sign up"),
    ),
    SynonymGroup(
        "coat",
        fr=("parka", "manteau", "manteau d'hiver", "veste", "anorak", "coat"),
        en=("parka", "coat", "jacket", "winter coat", "anorak"),
    ),
    SynonymGroup(
        "boots",
        fr=("bottes", "botte", "bottillons", "chaussures", "souliers"),
        en=("boots", "boot", "shoes", "footwear"),
    ),
    SynonymGroup(
        "mitts",
        fr=("mitaines", "mitaine", "gants", "gant"),
        en=("mitts", "mittens", "gloves"),
    ),
    SynonymGroup(
        "toque",
        fr=("tuque", "bonnet", "chapeau"),
        en=("toque", "tuque", "beanie", "hat"),
    ),
    SynonymGroup(
        "thermal",
        fr=("sous-vêtements thermiques", "combine", "combines", "thermique", "mérinos"),
        en=("thermal underwear", "thermals", "base layer", "long johns", "merino"),
    ),
    SynonymGroup(
        "wash",
        fr=("laver", "lavage", "nettoyer", "nettoyage", "entretien", "laveuse", "lessive"),
        en=("wash", "washing", "clean", "cleaning", "care", "laundry", "washer", "washing machine"),
    ),
    SynonymGroup(
        "dryer",
        fr=("sécheuse", "sécher", "séchage"),
        en=("dryer", "dry", "drying"),
    ),
    SynonymGroup(
        "down",
        fr=("duvet", "plumes", "en duvet"),
        en=("down", "down-filled", "feathers"),
    ),
    SynonymGroup(
        "waterproof",
        fr=("imperméabiliser", "imperméable", "étanche", "imperméabilisation", "mouillé"),
        en=("waterproof", "waterproofing", "water-resistant", "wet"),
    ),
    SynonymGroup(
        "salt",
        fr=("sel", "calcium", "cernes", "taches blanches", "taches de sel"),
        en=("salt", "road salt", "salt stains", "white stains", "white marks"),
    ),
    SynonymGroup(
        "shrink",
        fr=("rétréci", "rétrécir", "rapetissé"),
        en=("shrink", "shrank", "shrunk"),
    ),
    SynonymGroup(
        "contact",
        fr=("contacter", "joindre", "rejoindre", "parler", "service à la clientèle", "agent"),
        en=("contact", "reach", "talk", "speak", "customer service", "agent", "human"),
    ),
    SynonymGroup(
        "phone",
        fr=("téléphone", "appeler", "numéro de téléphone"),
        en=("phone", "call"),
    ),
    SynonymGroup(
        "email",
        fr=("courriel", "email", "e-mail"),
        en=("email", "e-mail"),
    ),
    SynonymGroup(
        "chat",
        fr=("clavardage", "clavarder", "chat"),
        en=("chat", "live chat"),
    ),
    SynonymGroup(
        "hours",
        fr=("heures d'ouverture", "heures", "horaire", "fermé"),
        en=("business hours", "hours", "closed", "opening hours"),
    ),
)

CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "not_received",
        triggers=(
            "pas reçu", "jamais reçu", "rien reçu", "pas arrivé", "toujours pas arrivé",
            "pas encore arrivé", "où est mon", "où est ma", "où sont mes", "attends toujours",
            "where is my", "where's my", "where are my", "haven't received", "not received",
            "didn't arrive", "hasn't arrived", "not arrived", "never got", "didn't get",
            "haven't got", "still waiting", "not here yet", "still not here",
        ),
        fr=("suivre ma commande", "numéro de suivi", "où est ma commande"),
        en=("track my order", "tracking number", "where is my order"),
    ),
    Concept(
        "delivered_not_there",
        triggers=(
            "dit livré", "indique livré", "marqué livré", "livré mais", "livré rien",
            "says delivered", "marked delivered", "shows delivered", "delivered but",
            "delivered not", "delivered nothing",
        ),
        fr=("colis perdu ou volé", "livré mais pas reçu"),
        en=("lost or stolen parcel", "delivered but not received"),
    ),
    Concept(
        "wrong_size",
        triggers=(
            "trop petit", "trop petite", "trop grand", "trop grande", "trop serré", "trop large",
            "fait pas", "me fait pas", "plus petit", "plus grand", "autre taille", "autre grandeur",
            "too small", "too big", "too tight", "too large", "too loose", "doesn't fit",
            "does not fit", "don't fit", "didn't fit", "smaller size", "bigger size", "larger size",
            "another size", "different size", "un peu serré", "un peu petit", "un peu grand",
            "un peu juste", "bit tight", "bit small", "bit big", "bit large", "little tight",
            "little small", "little big",
        ),
        fr=("échanger taille", "échange"),
        en=("exchange size", "exchange"),
    ),
    Concept(
        "exchange_for",
        triggers=(
            "changer pour", "échanger pour", "changer contre", "remplacer par", "change for",
            "change it for", "swap for", "swap it for", "exchange for", "trade for",
        ),
        fr=("échanger taille couleur",),
        en=("exchange size colour",),
    ),
    Concept(
        "which_size",
        triggers=(
            "quelle taille", "quelle grandeur", "quelle pointure", "je chausse", "je porte du",
            "entre deux tailles", "what size", "which size", "size should", "i wear a",
            "between sizes", "between two sizes", "how do i measure", "run small", "run big",
            "runs small", "runs large", "true to size",
        ),
        fr=("guide des tailles", "mesures"),
        en=("size guide", "measurements"),
    ),
    Concept(
        "money_back",
        triggers=(
            "mon argent", "ravoir mon argent", "être remboursé", "etre rembourse", "money back",
            "my money", "get paid back", "been refunded",
        ),
        fr=("délai de remboursement",),
        en=("refund timing",),
    ),
    Concept(
        "wrong_address",
        triggers=(
            "mauvaise adresse", "trompé d'adresse", "erreur adresse", "erreur dans l'adresse",
            "oublié appartement", "déménage", "wrong address", "typo address", "old address",
            "forgot apartment", "i'm moving", "i am moving",
        ),
        fr=("changer l'adresse de livraison",),
        en=("change shipping address",),
    ),
    Concept(
        "cancel",
        triggers=(
            "changé d'idée", "change d'idée", "veux plus", "en veux plus", "plus besoin",
            "commandé deux fois", "passé deux fois", "changed my mind", "change my mind",
            "don't want it", "don't need it", "no longer want", "ordered twice", "ordered the same",
            "by mistake",
        ),
        fr=("annuler ma commande",),
        en=("cancel my order",),
    ),
    Concept(
        "talk_to_someone",
        triggers=(
            "parler à quelqu'un", "parler à un humain", "parler à une personne", "vraie personne",
            "numéro de téléphone", "vous appeler", "vous écrire", "talk to someone",
            "talk to a human", "speak to someone", "real person", "phone number", "call you",
            "get in touch", "reach you",
        ),
        fr=("nous joindre", "service à la clientèle"),
        en=("contact us", "customer service"),
    ),
    Concept(
        "broken",
        triggers=(
            "arrivé brisé", "arrivé endommagé", "reçu brisé", "est brisé", "fonctionne plus",
            "marche plus", "a lâché", "s'est brisé", "s'est défait", "arrived broken",
            "arrived damaged", "stopped working", "came apart", "fell apart", "doesn't close",
            "won't close", "split seam",
        ),
        fr=("article défectueux", "endommagé", "garantie"),
        en=("defective item", "damaged", "warranty"),
    ),
    Concept(
        "washing",
        triggers=(
            "dans la laveuse", "dans la sécheuse", "à la machine", "laver mon", "laver ma",
            "in the washer", "in the dryer", "washing machine", "machine wash", "wash my",
            "how to wash", "can i wash",
        ),
        fr=("entretien des vêtements", "lavage"),
        en=("product care", "washing"),
    ),
    Concept(
        "wet_boots",
        triggers=(
            "bottes mouillées", "pieds mouillés", "taches de sel", "taches blanches", "wet feet",
            "boots wet", "salt stains", "white marks", "boots leak",
        ),
        fr=("imperméabiliser bottes", "sel calcium"),
        en=("waterproofing boots", "salt stains"),
    ),
    Concept(
        "how_long_delivery",
        triggers=(
            "combien de temps livraison", "combien de temps recevoir", "ça prend combien",
            "quand vais-je recevoir", "quand est-ce que je vais recevoir", "quand va arriver",
            "how long delivery", "how long to ship", "how long shipping", "how long does it take",
            "when will it arrive", "when will i get my order", "how fast",
        ),
        fr=("délais de livraison",),
        en=("shipping times", "delivery time"),
    ),
    Concept(
        "ship_where",
        triggers=(
            "livrez-vous", "livrez vous", "livrez à", "livrez en", "livrer à", "livrer en",
            "envoyez à", "envoyez en", "expédiez à", "do you ship to", "do you deliver to",
            "ship to my", "deliver to my", "ship there", "deliver there",
        ),
        fr=("zones", "délais de livraison"),
        en=("zones", "delivery times"),
    ),
    Concept(
        "ship_abroad",
        triggers=(
            "aux usa", "aux états", "à l'étranger", "hors du canada", "hors canada",
            "en dehors du canada", "to the us", "in the us", "to the states", "outside canada",
            "overseas", "abroad",
        ),
        fr=("livraison aux États-Unis",),
        en=("shipping to the United States",),
    ),
    Concept(
        "shipping_cost",
        triggers=(
            "combien coûte la livraison", "combien pour livrer", "combien pour la livraison",
            "coûte combien", "payer la livraison", "how much is shipping", "how much shipping",
            "how much to ship", "pay for shipping", "shipping fee",
        ),
        fr=("frais de livraison", "livraison gratuite"),
        en=("shipping costs", "free shipping"),
    ),
    Concept(
        "card_declined",
        triggers=(
            "carte passe pas", "carte ne passe", "carte fonctionne pas", "carte marche pas",
            "paiement passe pas", "paiement refusé", "card doesn't work", "card not working",
            "card won't go through", "payment failed", "payment didn't go through",
        ),
        fr=("carte refusée", "paiement refusé"),
        en=("card declined", "payment declined"),
    ),
    Concept(
        "code_not_working",
        triggers=(
            "code marche pas", "code fonctionne pas", "code passe pas", "code invalide",
            "code refusé", "code doesn't work", "code not working", "code won't work",
            "code invalid", "code isn't working",
        ),
        fr=("code promo",),
        en=("promo code",),
    ),
    Concept(
        "charged_twice",
        triggers=(
            "chargé deux fois", "débité deux fois", "payé deux fois", "facturé deux fois",
            "charged twice", "double charged", "charged two times", "billed twice",
        ),
        fr=("débité deux fois", "paiement"),
        en=("charged twice", "payment"),
    ),
    Concept(
        "send_back",
        triggers=(
            "veux retourner", "renvoyer", "retourner un", "retourner mon", "retourner ma",
            "send it back", "send back", "return it", "return my", "return an",
        ),
        fr=("faire un retour",),
        en=("return an item",),
    ),
)
# fmt: on

DEFAULT_LEXICON = Lexicon(stopwords=STOPWORDS, groups=SYNONYM_GROUPS, concepts=CONCEPTS)
