"""Deterministic template expansion of the training set.

Each template is a customer sentence with slots (item, carrier, size, ...). A fixed number of
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
        "hi": ("", "Bonjour, ", "Allo, ", "Salut! ", "Bonsoir, ", "Allô ", "Bonjour à l'équipe Nordet, "),
        "bye": ("", " Merci!", " Merci d'avance.", " svp", " Bonne journée.", " Merci beaucoup", " Thx"),
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
        "carrier": ("Postes Canada", "Purolator", "UPS", "Intelcom", "Nationex", "Postes Can", "le livreur"),
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
        "hi": ("", "Hi, ", "Hello, ", "Hey ", "Good morning, ", "Hi there! ", "Hello Nordet team, "),
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
        "carrier": ("Canada Post", "Purolator", "UPS", "Intelcom", "Nationex", "the courier", "FedEx"),
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
        "city": ("Quebec City", "Sherbrooke", "Rimouski", "Gatineau", "Laval", "Saguenay", "Ottawa"),
        "promo": ("WINTER20", "NORDET15", "WELCOME10", "COLD25"),
    },
}

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "order_status": {
        "fr": (
            "{hi}où en est {order}? Je l'ai passée il y a {days}.{bye}",
            "{hi}j'attends toujours {item}, ça fait {days}. C'est quand que ça va arriver?{bye}",
            "{hi}est-ce que {order} est partie? J'ai pas de numéro de suivi.{bye}",
            "{hi}le suivi {carrier} bouge pas depuis {days}, mon colis est où?{bye}",
            "{hi}quand est-ce que vous allez expédier {item}?{bye}",
            "{hi}{order} est en retard, c'était prévu pour hier. Des nouvelles?{bye}",
            "{hi}je vais-tu recevoir {item} avant la fin de semaine? C'est en transit avec {carrier}.{bye}",
            "{hi}pouvez-vous me donner le numéro de suivi de {order}?{bye}",
        ),
        "en": (
            "{hi}where is {order}? I placed it {days} ago.{bye}",
            "{hi}still waiting on {item}, it's been {days}. When will it arrive?{bye}",
            "{hi}has {order} shipped yet? I don't have a tracking number.{bye}",
            "{hi}{carrier} tracking hasn't moved in {days}, where's my package?{bye}",
            "{hi}when will {item} ship?{bye}",
            "{hi}{order} is late, it was due yesterday. Any update?{bye}",
            "{hi}will I get {item} before the weekend? It's in transit with {carrier}.{bye}",
            "{hi}can you send me the tracking number for {order}?{bye}",
        ),
    },
    "delivery_problem": {
        "fr": (
            "{hi}{carrier} dit que {order} a été livrée mais j'ai rien reçu.{bye}",
            "{hi}mon colis {carrier} est marqué livré depuis {days} mais il est pas chez nous.{bye}",
            "{hi}je pense qu'on a volé mon colis, le suivi {carrier} dit livré.{bye}",
            "{hi}{carrier} a perdu mon colis avec {item} dedans.{bye}",
            "{hi}la boîte est arrivée écrasée par {carrier} pis tout est abîmé dedans.{bye}",
            "{hi}mon colis a été retourné à l'expéditeur, {carrier} dit adresse introuvable mais elle est bonne.{bye}",
            "{hi}{carrier} a livré {order} chez quelqu'un d'autre.{bye}",
            "{hi}l'entrepôt LogiPro a envoyé mon colis à {city} par erreur.{bye}",
        ),
        "en": (
            "{hi}{carrier} says {order} was delivered but I got nothing.{bye}",
            "{hi}my {carrier} parcel has shown delivered for {days} but it's not here.{bye}",
            "{hi}I think my package was stolen, {carrier} tracking says delivered.{bye}",
            "{hi}{carrier} lost my parcel with {item} in it.{bye}",
            "{hi}the box came crushed by {carrier} and {item} got damaged.{bye}",
            "{hi}my package was returned to sender, {carrier} says address not found but it's correct.{bye}",
            "{hi}{carrier} delivered {order} to someone else's house.{bye}",
            "{hi}the LogiPro warehouse sent my parcel to {city} by mistake.{bye}",
        ),
    },
    "return_request": {
        "fr": (
            "{hi}je voudrais retourner {item}, ça me fait pas.{bye}",
            "{hi}j'ai commandé {size} mais c'est trop petit, je peux-tu échanger pour {other_size}?{bye}",
            "{hi}pouvez-vous m'envoyer une étiquette de retour pour {item}?{bye}",
            "{hi}j'ai choisi la mauvaise taille, je voudrais échanger {item} pour {other_size}.{bye}",
            "{hi}comment je fais pour retourner {item}? J'ai reçu ça il y a {days}.{bye}",
            "{hi}j'aime pas la couleur {colour} finalement, je peux échanger {item} pour du {other_colour}?{bye}",
            "{hi}est-ce que je peux retourner {item} par {carrier}?{bye}",
            "{hi}j'ai changé d'idée pour {item}, je veux faire un retour.{bye}",
        ),
        "en": (
            "{hi}I'd like to return {item}, it doesn't fit me.{bye}",
            "{hi}I ordered {size} but it's too small, can I exchange for {other_size}?{bye}",
            "{hi}can you send me a return label for {item}?{bye}",
            "{hi}I picked the wrong size, I'd like to exchange {item} for {other_size}.{bye}",
            "{hi}how do I return {item}? Got it {days} ago.{bye}",
            "{hi}don't like the {colour} after all, can I swap {item} for {other_colour}?{bye}",
            "{hi}can I return {item} through {carrier}?{bye}",
            "{hi}changed my mind about {item}, I want to make a return.{bye}",
        ),
    },
    "refund_status": {
        "fr": (
            "{hi}j'ai retourné {item} il y a {days} et j'ai toujours pas été remboursé.{bye}",
            "{hi}où en est mon remboursement pour {order}?{bye}",
            "{hi}vous avez reçu mon retour mais le remboursement est pas sur ma carte.{bye}",
            "{hi}il manque {amount} sur mon remboursement.{bye}",
            "{hi}mon retour a été livré par {carrier} il y a {days}, quand est-ce que je vais avoir mon argent?{bye}",
            "{hi}{order} a été annulée mais j'ai pas eu de remboursement.{bye}",
            "{hi}ça fait {days} que j'attends mon remboursement.{bye}",
            "{hi}le remboursement pour {item} est toujours en attente.{bye}",
        ),
        "en": (
            "{hi}I returned {item} {days} ago and still haven't been refunded.{bye}",
            "{hi}what's the status of my refund for {order}?{bye}",
            "{hi}you received my return but the refund isn't on my card.{bye}",
            "{hi}my refund is short {amount}.{bye}",
            "{hi}{carrier} delivered my return {days} ago, when do I get my money?{bye}",
            "{hi}{order} was cancelled but I never got a refund.{bye}",
            "{hi}I've been waiting {days} for my refund.{bye}",
            "{hi}the refund for {item} is still pending.{bye}",
        ),
    },
    "wrong_item": {
        "fr": (
            "{hi}j'ai commandé {size} et vous m'avez envoyé {other_size}.{bye}",
            "{hi}j'ai reçu la couleur {other_colour} au lieu de {colour} pour {item}.{bye}",
            "{hi}il manque {item} dans mon colis.{bye}",
            "{hi}c'est pas le bon article dans {order}, j'ai reçu autre chose que {item}.{bye}",
            "{hi}{order} est incomplète, {item} est pas dans la boîte.{bye}",
            "{hi}ma confirmation dit {size} mais j'ai reçu {other_size}, c'est une erreur de votre part.{bye}",
            "{hi}vous vous êtes trompés: j'avais pris {item} en {colour} et c'est du {other_colour}.{bye}",
            "{hi}mauvais article reçu pour {order}.{bye}",
        ),
        "en": (
            "{hi}I ordered {size} and you sent me {other_size}.{bye}",
            "{hi}got {other_colour} instead of {colour} for {item}.{bye}",
            "{hi}{item} is missing from my package.{bye}",
            "{hi}wrong item in {order}, I got something other than {item}.{bye}",
            "{hi}{order} is incomplete, {item} isn't in the box.{bye}",
            "{hi}my confirmation says {size} but I received {other_size}, that's your mistake.{bye}",
            "{hi}you got it wrong: I picked {item} in {colour} and it's {other_colour}.{bye}",
            "{hi}received the wrong item for {order}.{bye}",
        ),
    },
    "defective_product": {
        "fr": (
            "{hi}{defect} sur {item} après {days}.{bye}",
            "{hi}{item}: {defect}, je l'ai presque pas porté.{bye}",
            "{hi}problème avec {item}, {defect}. C'est défectueux.{bye}",
            "{hi}la qualité de {item} est décevante, {defect} déjà.{bye}",
            "{hi}est-ce que la garantie couvre {item}? {defect}.{bye}",
            "{hi}je viens de recevoir {item} et {defect}, c'est un défaut de fabrication.{bye}",
            "{hi}{item} est pas comme décrit, {defect}.{bye}",
            "{hi}après {days} d'utilisation normale, {defect} sur {item}.{bye}",
        ),
        "en": (
            "{hi}{defect} on {item} after {days}.{bye}",
            "{hi}{item}: {defect}, barely worn.{bye}",
            "{hi}{item} is defective, {defect}.{bye}",
            "{hi}really disappointed with the quality of {item}, {defect} already.{bye}",
            "{hi}is {item} under warranty? {defect}.{bye}",
            "{hi}just got {item} and {defect}, it's a manufacturing defect.{bye}",
            "{hi}{item} is not as described, {defect}.{bye}",
            "{hi}after {days} of normal use, {defect} on {item}.{bye}",
        ),
    },
    "address_change": {
        "fr": (
            "{hi}je me suis trompé d'adresse pour {order}, c'est à {city} et non à {city}.{bye}",
            "{hi}j'ai oublié mon numéro d'appartement pour {order}.{bye}",
            "{hi}est-ce possible de changer l'adresse de livraison de {order}?{bye}",
            "{hi}mon code postal est mauvais sur {order}.{bye}",
            "{hi}{carrier} dit que mon adresse est incomplète, pouvez-vous la corriger?{bye}",
            "{hi}je déménage à {city}, faut changer l'adresse de {order} avant l'envoi.{bye}",
            "{hi}pouvez-vous envoyer {item} à mon travail plutôt qu'à la maison?{bye}",
            "{hi}l'adresse sur {order} est mon ancienne adresse.{bye}",
        ),
        "en": (
            "{hi}I got the address wrong on {order}, it's {city} not {city}.{bye}",
            "{hi}forgot my apartment number on {order}.{bye}",
            "{hi}can I change the shipping address for {order}?{bye}",
            "{hi}the postal code on {order} is wrong.{bye}",
            "{hi}{carrier} says my address is incomplete, can you fix it?{bye}",
            "{hi}I'm moving to {city}, need to change the address on {order} before it ships.{bye}",
            "{hi}can you send {item} to my work instead of home?{bye}",
            "{hi}the address on {order} is my old one.{bye}",
        ),
    },
    "order_change": {
        "fr": (
            "{hi}je voudrais annuler {order}.{bye}",
            "{hi}pouvez-vous changer {item} pour {other_size} avant l'envoi de {order}?{bye}",
            "{hi}j'aimerais ajouter {item} à {order} avant que ça parte.{bye}",
            "{hi}c'est-tu possible de changer la couleur de {item} pour du {other_colour}? C'est pas encore expédié.{bye}",
            "{hi}annulez {order} svp, j'ai plus besoin de {item}.{bye}",
            "{hi}je veux enlever {item} de {order}.{bye}",
            "{hi}est-ce trop tard pour modifier {order}?{bye}",
            "{hi}j'ai commandé {item} en double par erreur, annulez-en un.{bye}",
        ),
        "en": (
            "{hi}I'd like to cancel {order}.{bye}",
            "{hi}can you change {item} to {other_size} before {order} ships?{bye}",
            "{hi}I'd like to add {item} to {order} before it goes out.{bye}",
            "{hi}is it possible to change {item} to {other_colour}? It hasn't shipped yet.{bye}",
            "{hi}please cancel {order}, I don't need {item} anymore.{bye}",
            "{hi}I want to remove {item} from {order}.{bye}",
            "{hi}is it too late to modify {order}?{bye}",
            "{hi}I ordered {item} twice by mistake, please cancel one.{bye}",
        ),
    },
    "product_question": {
        "fr": (
            "{hi}est-ce que {product} est disponible en {colour}?{bye}",
            "{hi}quand est-ce que {product} va revenir en stock en {size}?{bye}",
            "{hi}je porte {size} d'habitude, quelle taille pour {product}?{bye}",
            "{hi}est-ce que {product} est assez chaud pour -25?{bye}",
            "{hi}c'est fait en quoi, {product}? Duvet, laine, synthétique?{bye}",
            "{hi}{product} taille-tu grand ou petit?{bye}",
            "{hi}avant d'acheter: est-ce que {product} se lave à la machine?{bye}",
            "{hi}avez-vous {product} en taille enfant?{bye}",
        ),
        "en": (
            "{hi}is {product} available in {colour}?{bye}",
            "{hi}when will {product} be back in stock in {size}?{bye}",
            "{hi}I usually wear {size}, what size for {product}?{bye}",
            "{hi}is {product} warm enough for -25?{bye}",
            "{hi}what is {product} made of? Down, wool, synthetic?{bye}",
            "{hi}does {product} run big or small?{bye}",
            "{hi}before I buy: can {product} go in the washing machine?{bye}",
            "{hi}do you have {product} in kids sizes?{bye}",
        ),
    },
    "billing": {
        "fr": (
            "{hi}le code promo {promo} fonctionne pas.{bye}",
            "{hi}j'ai été chargé deux fois pour {order}.{bye}",
            "{hi}mon paiement est refusé quand j'essaie d'acheter {item}.{bye}",
            "{hi}pouvez-vous m'envoyer la facture de {order} avec la TPS et la TVQ?{bye}",
            "{hi}j'ai oublié d'entrer le code {promo} pour {order}, pouvez-vous l'appliquer?{bye}",
            "{hi}le montant chargé pour {order} est plus élevé que prévu, {amount} de trop.{bye}",
            "{hi}je trouve pas le reçu de {order}.{bye}",
            "{hi}ma carte de crédit a été débitée mais {order} apparaît pas dans mon compte.{bye}",
        ),
        "en": (
            "{hi}promo code {promo} isn't working.{bye}",
            "{hi}I was charged twice for {order}.{bye}",
            "{hi}my payment gets declined when I try to buy {item}.{bye}",
            "{hi}can you send me the invoice for {order} with GST and QST?{bye}",
            "{hi}forgot to enter code {promo} on {order}, can you apply it?{bye}",
            "{hi}the amount charged for {order} is higher than expected, {amount} too much.{bye}",
            "{hi}can't find the receipt for {order}.{bye}",
            "{hi}my credit card was charged but {order} doesn't show in my account.{bye}",
        ),
    },
    "other": {
        "fr": (
            "{hi}merci pour {item}, je l'adore!{bye}",
            "{hi}je voudrais postuler pour un emploi à l'entrepôt de {city}.{bye}",
            "{hi}nous sommes une entreprise de {city} et aimerions un partenariat avec Nordet.{bye}",
            "{hi}je n'arrive plus à me connecter à mon compte.{bye}",
            "{hi}comment je fais pour me désinscrire de l'infolettre?{bye}",
            "{hi}avez-vous une boutique physique à {city}?{bye}",
            "{hi}juste pour dire que le service a été excellent.{bye}",
            "{hi}je voudrais parler à un agent.{bye}",
        ),
        "en": (
            "{hi}thanks for {item}, love it!{bye}",
            "{hi}I'd like to apply for a job at your {city} warehouse.{bye}",
            "{hi}we're a company in {city} and would like to partner with Nordet.{bye}",
            "{hi}I can't log into my account anymore.{bye}",
            "{hi}how do I unsubscribe from the newsletter?{bye}",
            "{hi}do you have a physical store in {city}?{bye}",
            "{hi}just saying the service was excellent.{bye}",
            "{hi}I'd like to speak to an agent.{bye}",
        ),
    },
}

_SLOT = re.compile(r"\{(\w+)\}")


def _drop_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


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
    text = _SLOT.sub(lambda m: rng.choice(slots[m[1]]), template)
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
