"""Deterministic template expansion of the training set.

Each template is a customer sentence with slots (item, carrier, size, ...), wrapped in a
greeting and a sign-off (``{hi}`` and ``{bye}``, which may be empty). A fixed number of
fillings is drawn per template with a random generator seeded from the template itself, then
some fillings get the noise real customers add: accents dropped, everything lower-case, or one
typo (two letters swapped, or one letter dropped). Same code, same output, on every machine.

The hand-written sentences in ``*.jsonl`` are the bulk of the set; templates add vocabulary
variety (items, carriers, sizes, colours, order numbers) and typo robustness.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
import zlib
from functools import cache

from widget_api.problem_typing.dataset import Example

FILLINGS_PER_TEMPLATE = 3

SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "hi": (
            "",
            "Bonjour, ",
            "Allo, ",
            "Salut! ",
            "Bonsoir, ",
            "Allô ",
            "Bonjour à l'équipe Nordet, ",
        ),
        "bye": (
            "",
            " Merci!",
            " Merci d'avance.",
            " svp",
            " Bonne journée.",
            " Merci beaucoup",
            " Thx",
        ),
        "item": (
            "ma parka",
            "mes bottes",
            "ma tuque",
            "mes mitaines",
            "mon manteau",
            "mon foulard",
            "mes bottes d'hiver",
            "mon cache-cou",
            "la parka Alizé",
            "les bottes Blizzard",
        ),
        "product": (
            "la parka Alizé",
            "la parka Borée",
            "les bottes Blizzard",
            "la tuque à pompon",
            "les mitaines en laine",
            "le manteau long",
            "le cache-cou polaire",
            "les mitaines chauffantes",
        ),
        "order": (
            "ma commande",
            "ma commande ND-104233",
            "la commande #104718",
            "ma commande 105012",
            "ma commande Etsy",
            "ma commande Amazon 702-4412345-1234567",
            "ma comande",
        ),
        "carrier": (
            "Postes Canada",
            "Purolator",
            "UPS",
            "Intelcom",
            "Nationex",
            "Postes Can",
            "le livreur",
        ),
        "days": ("5 jours", "une semaine", "10 jours", "deux semaines", "3 semaines", "un mois"),
        "size": ("small", "medium", "large", "XL", "un 8", "un 9", "un 10", "un M", "un S"),
        "other_size": ("un small", "un medium", "un large", "du XL", "un 7", "du 11", "un L"),
        "colour": ("noir", "gris", "marine", "rouge", "kaki", "blanc", "bleu", "sauge"),
        "other_colour": ("beige", "vert", "orange", "rose", "brun", "jaune", "mauve"),
        "amount": ("20$", "35 $", "49,99$", "la moitié", "les taxes", "15$"),
        "defect": (
            "la fermeture éclair est brisée",
            "la couture est décousue",
            "il y a un trou",
            "la semelle se décolle",
            "ça prend l'eau",
            "le duvet sort",
            "le bouton est tombé",
            "le tissu est déchiré",
        ),
        "city": ("Québec", "Sherbrooke", "Rimouski", "Gatineau", "Laval", "Saguenay", "Longueuil"),
        "promo": ("HIVER20", "NORDET15", "BIENVENUE10", "FROID25"),
    },
    "en": {
        "hi": (
            "",
            "Hi, ",
            "Hello, ",
            "Hey ",
            "Good morning, ",
            "Hi there! ",
            "Hello Nordet team, ",
        ),
        "bye": ("", " Thanks!", " Thank you.", " pls", " Cheers", " thx", " Thanks in advance."),
        "item": (
            "my parka",
            "my boots",
            "my toque",
            "my mittens",
            "my coat",
            "my scarf",
            "my winter boots",
            "my neck warmer",
            "the Alize parka",
            "the Blizzard boots",
        ),
        "product": (
            "the Alize parka",
            "the Boree parka",
            "the Blizzard boots",
            "the pom-pom toque",
            "the wool mittens",
            "the long coat",
            "the fleece neck warmer",
            "the heated mittens",
        ),
        "order": (
            "my order",
            "order ND-104233",
            "order #104718",
            "my order 105012",
            "my Etsy order",
            "my Amazon order 702-4412345-1234567",
            "my oder",
        ),
        "carrier": (
            "Canada Post",
            "Purolator",
            "UPS",
            "Intelcom",
            "Nationex",
            "the courier",
            "FedEx",
        ),
        "days": ("5 days", "a week", "10 days", "two weeks", "3 weeks", "a month"),
        "size": ("small", "medium", "large", "XL", "an 8", "a 9", "a 10", "an M", "an S"),
        "other_size": ("a small", "a medium", "a large", "an XL", "a 7", "an 11", "an L"),
        "colour": ("black", "grey", "navy", "red", "khaki", "white", "blue", "sage"),
        "other_colour": ("beige", "green", "orange", "pink", "brown", "yellow", "purple"),
        "amount": ("$20", "$35", "$49.99", "half", "the taxes", "$15"),
        "defect": (
            "the zipper broke",
            "the seam is coming apart",
            "there's a hole",
            "the sole is peeling off",
            "it leaks",
            "down is coming out",
            "a button fell off",
            "the fabric ripped",
        ),
        "city": (
            "Quebec City",
            "Sherbrooke",
            "Rimouski",
            "Gatineau",
            "Laval",
            "Saguenay",
            "Ottawa",
        ),
        "promo": ("WINTER20", "NORDET15", "WELCOME10", "COLD25"),
    },
}

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "order_status": {
        "fr": (
            "où en est {order}? Je l'ai passée il y a {days}.",
            "j'attends toujours {item}, ça fait {days}. C'est quand que ça va arriver?",
            "est-ce que {order} est partie? J'ai pas de numéro de suivi.",
            "le suivi {carrier} bouge pas depuis {days}, mon colis est où?",
            "quand est-ce que vous allez expédier {item}?",
            "{order} est en retard, c'était prévu pour hier. Des nouvelles?",
            "je vais-tu recevoir {item} avant la fin de semaine? C'est en transit avec {carrier}.",
            "pouvez-vous me donner le numéro de suivi de {order}?",
        ),
        "en": (
            "where is {order}? I placed it {days} ago.",
            "still waiting on {item}, it's been {days}. When will it arrive?",
            "has {order} shipped yet? I don't have a tracking number.",
            "{carrier} tracking hasn't moved in {days}, where's my package?",
            "when will {item} ship?",
            "{order} is late, it was due yesterday. Any update?",
            "will I get {item} before the weekend? It's in transit with {carrier}.",
            "can you send me the tracking number for {order}?",
        ),
    },
    "delivery_problem": {
        "fr": (
            "{carrier} dit que {order} a été livrée mais j'ai rien reçu.",
            "mon colis {carrier} est marqué livré depuis {days} mais il est pas chez nous.",
            "je pense qu'on a volé mon colis, le suivi {carrier} dit livré.",
            "{carrier} a perdu mon colis avec {item} dedans.",
            "la boîte est arrivée écrasée par {carrier} pis tout est abîmé dedans.",
            "mon colis a été retourné à l'expéditeur, {carrier} dit adresse introuvable mais "
            "elle est bonne.",
            "{carrier} a livré {order} chez quelqu'un d'autre.",
            "l'entrepôt LogiPro a envoyé mon colis à {city} par erreur.",
        ),
        "en": (
            "{carrier} says {order} was delivered but I got nothing.",
            "my {carrier} parcel has shown delivered for {days} but it's not here.",
            "I think my package was stolen, {carrier} tracking says delivered.",
            "{carrier} lost my parcel with {item} in it.",
            "the box came crushed by {carrier} and {item} got damaged.",
            "my package was returned to sender, {carrier} says address not found but it's correct.",
            "{carrier} delivered {order} to someone else's house.",
            "the LogiPro warehouse sent my parcel to {city} by mistake.",
        ),
    },
    "return_request": {
        "fr": (
            "je voudrais retourner {item}, ça me fait pas.",
            "j'ai commandé {size} mais c'est trop petit, je peux-tu échanger pour {other_size}?",
            "pouvez-vous m'envoyer une étiquette de retour pour {item}?",
            "j'ai choisi la mauvaise taille, je voudrais échanger {item} pour {other_size}.",
            "comment je fais pour retourner {item}? J'ai reçu ça il y a {days}.",
            "j'aime pas la couleur {colour} finalement, je peux échanger {item} pour du "
            "{other_colour}?",
            "est-ce que je peux retourner {item} par {carrier}?",
            "j'ai changé d'idée pour {item}, je veux faire un retour.",
        ),
        "en": (
            "I'd like to return {item}, it doesn't fit me.",
            "I ordered {size} but it's too small, can I exchange for {other_size}?",
            "can you send me a return label for {item}?",
            "I picked the wrong size, I'd like to exchange {item} for {other_size}.",
            "how do I return {item}? Got it {days} ago.",
            "don't like the {colour} after all, can I swap {item} for {other_colour}?",
            "can I return {item} through {carrier}?",
            "changed my mind about {item}, I want to make a return.",
        ),
    },
    "refund_status": {
        "fr": (
            "j'ai retourné {item} il y a {days} et j'ai toujours pas été remboursé.",
            "où en est mon remboursement pour {order}?",
            "vous avez reçu mon retour mais le remboursement est pas sur ma carte.",
            "il manque {amount} sur mon remboursement.",
            "mon retour a été livré par {carrier} il y a {days}, quand est-ce que je vais "
            "avoir mon argent?",
            "{order} a été annulée mais j'ai pas eu de remboursement.",
            "ça fait {days} que j'attends mon remboursement.",
            "le remboursement pour {item} est toujours en attente.",
        ),
        "en": (
            "I returned {item} {days} ago and still haven't been refunded.",
            "what's the status of my refund for {order}?",
            "you received my return but the refund isn't on my card.",
            "my refund is short {amount}.",
            "{carrier} delivered my return {days} ago, when do I get my money?",
            "{order} was cancelled but I never got a refund.",
            "I've been waiting {days} for my refund.",
            "the refund for {item} is still pending.",
        ),
    },
    "wrong_item": {
        "fr": (
            "j'ai commandé {size} et vous m'avez envoyé {other_size}.",
            "j'ai reçu la couleur {other_colour} au lieu de {colour} pour {item}.",
            "il manque {item} dans mon colis.",
            "c'est pas le bon article dans {order}, j'ai reçu autre chose que {item}.",
            "{order} est incomplète, {item} est pas dans la boîte.",
            "ma confirmation dit {size} mais j'ai reçu {other_size}, c'est une erreur de "
            "votre part.",
            "vous vous êtes trompés: j'avais pris {item} en {colour} et c'est du {other_colour}.",
            "mauvais article reçu pour {order}.",
        ),
        "en": (
            "I ordered {size} and you sent me {other_size}.",
            "got {other_colour} instead of {colour} for {item}.",
            "{item} is missing from my package.",
            "wrong item in {order}, I got something other than {item}.",
            "{order} is incomplete, {item} isn't in the box.",
            "my confirmation says {size} but I received {other_size}, that's your mistake.",
            "you got it wrong: I picked {item} in {colour} and it's {other_colour}.",
            "received the wrong item for {order}.",
        ),
    },
    "defective_product": {
        "fr": (
            "{defect} sur {item} après {days}.",
            "{item}: {defect}, je l'ai presque pas porté.",
            "problème avec {item}, {defect}. C'est défectueux.",
            "la qualité de {item} est décevante, {defect} déjà.",
            "est-ce que la garantie couvre {item}? {defect}.",
            "je viens de recevoir {item} et {defect}, c'est un défaut de fabrication.",
            "{item} est pas comme décrit, {defect}.",
            "après {days} d'utilisation normale, {defect} sur {item}.",
        ),
        "en": (
            "{defect} on {item} after {days}.",
            "{item}: {defect}, barely worn.",
            "{item} is defective, {defect}.",
            "really disappointed with the quality of {item}, {defect} already.",
            "is {item} under warranty? {defect}.",
            "just got {item} and {defect}, it's a manufacturing defect.",
            "{item} is not as described, {defect}.",
            "after {days} of normal use, {defect} on {item}.",
        ),
    },
    "address_change": {
        "fr": (
            "je me suis trompé d'adresse pour {order}, c'est à {city} et non à {city}.",
            "j'ai oublié mon numéro d'appartement pour {order}.",
            "est-ce possible de changer l'adresse de livraison de {order}?",
            "mon code postal est mauvais sur {order}.",
            "{carrier} dit que mon adresse est incomplète, pouvez-vous la corriger?",
            "je déménage à {city}, faut changer l'adresse de {order} avant l'envoi.",
            "pouvez-vous envoyer {item} à mon travail plutôt qu'à la maison?",
            "l'adresse sur {order} est mon ancienne adresse.",
        ),
        "en": (
            "I got the address wrong on {order}, it's {city} not {city}.",
            "forgot my apartment number on {order}.",
            "can I change the shipping address for {order}?",
            "the postal code on {order} is wrong.",
            "{carrier} says my address is incomplete, can you fix it?",
            "I'm moving to {city}, need to change the address on {order} before it ships.",
            "can you send {item} to my work instead of home?",
            "the address on {order} is my old one.",
        ),
    },
    "order_change": {
        "fr": (
            "je voudrais annuler {order}.",
            "pouvez-vous changer {item} pour {other_size} avant l'envoi de {order}?",
            "j'aimerais ajouter {item} à {order} avant que ça parte.",
            "c'est-tu possible de changer la couleur de {item} pour du {other_colour}? C'est "
            "pas encore expédié.",
            "annulez {order} svp, j'ai plus besoin de {item}.",
            "je veux enlever {item} de {order}.",
            "est-ce trop tard pour modifier {order}?",
            "j'ai commandé {item} en double par erreur, annulez-en un.",
        ),
        "en": (
            "I'd like to cancel {order}.",
            "can you change {item} to {other_size} before {order} ships?",
            "I'd like to add {item} to {order} before it goes out.",
            "is it possible to change {item} to {other_colour}? It hasn't shipped yet.",
            "please cancel {order}, I don't need {item} anymore.",
            "I want to remove {item} from {order}.",
            "is it too late to modify {order}?",
            "I ordered {item} twice by mistake, please cancel one.",
        ),
    },
    "product_question": {
        "fr": (
            "est-ce que {product} est disponible en {colour}?",
            "quand est-ce que {product} va revenir en stock en {size}?",
            "je porte {size} d'habitude, quelle taille pour {product}?",
            "est-ce que {product} est assez chaud pour -25?",
            "c'est fait en quoi, {product}? Duvet, laine, synthétique?",
            "{product} taille-tu grand ou petit?",
            "avant d'acheter: est-ce que {product} se lave à la machine?",
            "avez-vous {product} en taille enfant?",
        ),
        "en": (
            "is {product} available in {colour}?",
            "when will {product} be back in stock in {size}?",
            "I usually wear {size}, what size for {product}?",
            "is {product} warm enough for -25?",
            "what is {product} made of? Down, wool, synthetic?",
            "does {product} run big or small?",
            "before I buy: can {product} go in the washing machine?",
            "do you have {product} in kids sizes?",
        ),
    },
    "billing": {
        "fr": (
            "le code promo {promo} fonctionne pas.",
            "j'ai été chargé deux fois pour {order}.",
            "mon paiement est refusé quand j'essaie d'acheter {item}.",
            "pouvez-vous m'envoyer la facture de {order} avec la TPS et la TVQ?",
            "j'ai oublié d'entrer le code {promo} pour {order}, pouvez-vous l'appliquer?",
            "le montant chargé pour {order} est plus élevé que prévu, {amount} de trop.",
            "je trouve pas le reçu de {order}.",
            "ma carte de crédit a été débitée mais {order} apparaît pas dans mon compte.",
        ),
        "en": (
            "promo code {promo} isn't working.",
            "I was charged twice for {order}.",
            "my payment gets declined when I try to buy {item}.",
            "can you send me the invoice for {order} with GST and QST?",
            "forgot to enter code {promo} on {order}, can you apply it?",
            "the amount charged for {order} is higher than expected, {amount} too much.",
            "can't find the receipt for {order}.",
            "my credit card was charged but {order} doesn't show in my account.",
        ),
    },
    "other": {
        "fr": (
            "merci pour {item}, je l'adore!",
            "je voudrais postuler pour un emploi à l'entrepôt de {city}.",
            "nous sommes une entreprise de {city} et aimerions un partenariat avec Nordet.",
            "je n'arrive plus à me connecter à mon compte.",
            "comment je fais pour me désinscrire de l'infolettre?",
            "avez-vous une boutique physique à {city}?",
            "juste pour dire que le service a été excellent.",
            "je voudrais parler à un agent.",
        ),
        "en": (
            "thanks for {item}, love it!",
            "I'd like to apply for a job at your {city} warehouse.",
            "we're a company in {city} and would like to partner with Nordet.",
            "I can't log into my account anymore.",
            "how do I unsubscribe from the newsletter?",
            "do you have a physical store in {city}?",
            "just saying the service was excellent.",
            "I'd like to speak to an agent.",
        ),
    },
}

_SLOT = re.compile(r"\{(\w+)\}")


def _drop_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        word = word[:j] + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _noise(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return _drop_accents(text)
    if roll < 0.4:
        return text.lower().rstrip(string.punctuation)
    if roll < 0.6:
        return _typo(text, rng)
    return text


def _fill(template: str, slots: dict[str, tuple[str, ...]], rng: random.Random) -> str:
    text = _SLOT.sub(lambda m: rng.choice(slots[m[1]]), "{hi}" + template + "{bye}")
    text = text.strip()
    return text[:1].upper() + text[1:]


@cache
def _expanded() -> tuple[Example, ...]:
    examples: list[Example] = []
    for label, by_lang in TEMPLATES.items():
        for lang, templates in by_lang.items():
            for template in templates:
                rng = random.Random(zlib.crc32(f"{label}|{lang}|{template}".encode()))
                seen: set[str] = set()
                for _ in range(FILLINGS_PER_TEMPLATE * 4):
                    text = _noise(_fill(template, SLOTS[lang], rng), rng)
                    if text not in seen:
                        seen.add(text)
                        examples.append(Example(text=text, label=label, lang=lang))
                    if len(seen) == FILLINGS_PER_TEMPLATE:
                        break
    return tuple(examples)


def expanded_examples() -> list[Example]:
    """The template sentences (3 fillings per template, same on every run)."""
    return list(_expanded())
