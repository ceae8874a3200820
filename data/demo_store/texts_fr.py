"""French (Québec) texts of the demo: what customers write, what agents answer, internal notes.

Customers write informally, as they do in a chat box or a quick e-mail; ``texts.py`` adds
typos and drops accents on some of them. Keys are ``problem_type/variant`` or ``problem_type``.
Slots: see ``texts.SLOTS``.
"""

from __future__ import annotations

CUSTOMER: dict[str, tuple[str, ...]] = {
    "order_status/not_shipped": (
        "J'ai passé la commande {order} il y a {days} jours et elle est toujours pas expédiée. "
        "C'est normal?",
        "Ma commande {order} est encore marquée « en traitement » depuis {days} jours. Quand "
        "est-ce qu'elle va partir?",
        "Est-ce que vous pouvez me dire quand ma commande va être expédiée? C'est la {order}. "
        "J'en ai besoin pour la fin de semaine prochaine, on monte au chalet.",
        "J'attends toujours le courriel d'expédition pour la commande {order}. Ça fait {days} "
        "jours que j'ai commandé {my_product}.",
        "C'est-tu possible de savoir si ma commande {order} est partie? J'ai pas eu de numéro "
        "de suivi.",
        "Je voulais savoir où en est ma commande {order}. Je l'ai payée le {date} pis j'ai "
        "rien reçu depuis, même pas un courriel.",
        "Petite question : ma commande {order} est-tu partie de l'entrepôt? Le site dit juste "
        "« non expédiée ».",
    ),
    "order_status/in_transit": (
        "Mon colis devait arriver depuis {days} jours mais le suivi {carrier} bouge plus. "
        "Commande {order}.",
        "Où est rendue ma commande {order}? Le suivi dit juste « en transit » depuis des jours.",
        "J'ai pas encore reçu ma commande {order}. Le numéro de suivi {tracking} donne rien de "
        "nouveau depuis {days} jours.",
        "Je suis à {city} et j'attends {my_product} depuis plus d'une semaine. Est-ce normal "
        "que {carrier} prenne aussi longtemps?",
        "Ma commande {order} devait arriver avant la fin de semaine. Pouvez-vous vérifier avec "
        "{carrier} svp?",
        "Je commence à m'inquiéter, la commande {order} est toujours pas arrivée. Y'a-tu un "
        "problème avec la livraison?",
        "Ça fait {days} jours que j'ai commandé pis toujours rien. Le lien de suivi marche "
        "même pas. Commande {order}.",
        "Quand est-ce que je vais recevoir {my_product}? Commande {order}, expédiée par "
        "{carrier} je pense.",
    ),
    "delivery_problem/not_received": (
        "Le suivi de {carrier} dit que ma commande {order} a été livrée hier mais j'ai rien "
        "reçu. J'ai regardé partout, chez les voisins aussi.",
        "Ma commande est marquée livrée mais il y a aucun colis à ma porte. Commande {order}, "
        "je reste à {city}.",
        "J'ai pas reçu mon colis même si le suivi dit livré. C'est la commande {order}. Je "
        "pense qu'il a été volé sur mon balcon.",
        "Le livreur a laissé le colis où? Le statut dit livré le {date} mais j'ai rien. "
        "{address}, {city}.",
        "Le suivi {tracking} dit que c'est livré mais j'ai rien reçu pantoute.",
        "Colis « livré » selon {carrier} mais pas dans ma boîte aux lettres ni à la porte. "
        "Qu'est-ce que je fais? Commande {order}.",
    ),
    "delivery_problem/damaged": (
        "Mon colis est arrivé tout défoncé, la boîte était déchirée et le contenu est mouillé. "
        "Commande {order}.",
        "La boîte de ma commande {order} était écrasée quand {carrier} l'a livrée. Le sac à "
        "l'intérieur était ouvert.",
        "J'ai reçu ma commande {order} mais l'emballage était complètement abîmé et "
        "{the_product} est sale. Je peux vous envoyer des photos.",
        "Le colis est arrivé percé pis mouillé. Je veux pas garder ça de même. Commande {order}.",
        "Colis endommagé pendant la livraison : coin défoncé, ruban arraché. Il manque peut-être "
        "quelque chose. Commande {order}.",
    ),
    "delivery_problem/stuck": (
        "Ça fait {days} jours que mon colis est bloqué au centre de tri de {carrier}. Commande "
        "{order}, suivi {tracking}.",
        "Le suivi indique « exception de livraison » depuis {days} jours pour la commande "
        "{order}. Qu'est-ce qui se passe?",
        "Mon colis semble perdu. Aucune mise à jour sur le suivi {tracking} depuis le {date}.",
        "{carrier} dit qu'ils ont pas pu livrer mon colis mais j'étais à la maison toute la "
        "journée! Commande {order}.",
        "Le suivi de ma commande {order} est figé à « arrivé au centre de distribution » "
        "depuis {days} jours. Pouvez-vous faire une enquête?",
    ),
    "delivery_problem/rts": (
        "Le suivi dit que mon colis est retourné à l'expéditeur?? Commande {order}. Je l'ai "
        "jamais reçu.",
        "Ma commande {order} a été retournée chez vous apparemment. Pouvez-vous me la renvoyer?",
        "{carrier} a retourné mon colis à l'expéditeur sans même essayer de livrer. Qu'est-ce "
        "que je dois faire? Commande {order}.",
        "Pourquoi ma commande {order} est « retournée à l'expéditeur »? L'adresse est bonne.",
    ),
    "return_request/exchange": (
        "J'ai commandé {the_product} en {size} mais c'est trop petit. Est-ce que je peux "
        "échanger pour du {other_size}? Commande {order}.",
        "C'est trop petit! Je peux-tu échanger {my_product} pour du {other_size}?",
        "La taille {size} me fait pas pour {the_product}, c'est trop serré. Je voudrais "
        "échanger pour du {other_size}.",
        "C'est-tu possible d'échanger {my_product} pour une autre taille? J'ai pris du {size} "
        "pis j'aurais dû prendre du {other_size}.",
        "Je voudrais faire un échange de taille pour la commande {order} ({size} pour "
        "{other_size}). Comment je procède?",
        "Ma fille a essayé {the_product} et c'est trop grand. On voudrait la taille "
        "{other_size} à la place.",
        "Échange svp : {product} taille {size} → {other_size}. Jamais porté, j'ai encore les "
        "étiquettes.",
    ),
    "return_request/refund": (
        "Je voudrais retourner {my_product} de la commande {order}. La couleur {color} est "
        "pas comme sur les photos.",
        "Comment je fais pour retourner un article? Ça me fait pas finalement. Commande {order}.",
        "J'aimerais avoir une étiquette de retour pour la commande {order}, je veux me faire "
        "rembourser {the_product}.",
        "Est-ce que c'est trop tard pour retourner {my_product}? Commande reçue le {date}.",
        "Je veux retourner ma commande {order} au complet, c'était un cadeau pis ça fait pas. "
        "Le retour est-tu gratuit?",
        "Finalement, {the_product}, c'est pas pour moi. Je veux un remboursement, pas un "
        "échange. Commande {order}.",
    ),
    "refund_status/waiting": (
        "J'ai retourné {my_product} il y a deux semaines et j'ai toujours pas eu mon "
        "remboursement. Commande {order}.",
        "Vous avez reçu mon retour le {date} selon le suivi. Quand est-ce que je vais être "
        "remboursé?",
        "Toujours pas de remboursement sur ma carte pour la commande {order}. Ça fait {days} "
        "jours que vous avez le colis.",
        "Je voudrais savoir où en est mon remboursement de {amount}. J'ai renvoyé le colis avec "
        "l'étiquette que vous m'aviez envoyée.",
        "Est-ce que mon retour a été traité? Commande {order}, j'ai pas eu de nouvelles.",
        "J'attends encore mon argent pour le retour de la commande {order}. C'est long!",
    ),
    "refund_status/wrong_amount": (
        "J'ai reçu un remboursement mais juste de {amount}, il manque les taxes je pense. "
        "Commande {order}.",
        "Le montant remboursé est pas le bon. J'ai payé plus que ça pour {the_product}. "
        "Pouvez-vous vérifier la commande {order}?",
        "Vous m'avez remboursé {amount} mais les frais de livraison ont pas été remboursés "
        "alors que c'est vous qui avez fait l'erreur.",
    ),
    "wrong_item/wrong_size": (
        "J'ai commandé {the_product} en {size} et j'ai reçu du {other_size}. Commande {order}.",
        "Erreur dans ma commande {order} : l'étiquette dit {size} mais c'est clairement un "
        "{other_size}.",
        "La taille reçue est pas la bonne. J'avais pris {size}, la boîte contient du "
        "{other_size}. Commande {order}.",
        "Mauvaise grandeur reçue pour {my_product}! J'ai commandé un {size}, c'est écrit "
        "{other_size} sur l'étiquette.",
        "Je viens d'ouvrir mon colis pis {the_product} est en {other_size} au lieu de {size}. "
        "Je fais quoi? Commande {order}.",
        "Vous vous êtes trompés de taille : commandé {size}, reçu {other_size}. C'est pour un "
        "voyage la semaine prochaine, c'est urgent.",
    ),
    "wrong_item/wrong_color": (
        "J'ai commandé {the_product} en {color} et j'ai reçu la couleur {other_color}. "
        "Commande {order}.",
        "Mauvaise couleur dans ma commande {order}, je voulais {color} pas {other_color}.",
        "C'est pas la bonne couleur! J'ai reçu du {other_color} au lieu du {color}.",
        "Petite erreur dans mon colis : {product} en {other_color} alors que j'avais choisi "
        "{color}. Commande {order}.",
    ),
    "wrong_item/missing_item": (
        "Il manque un article dans mon colis : {other_product}. Le reste de la commande {order} "
        "est correct.",
        "J'ai reçu seulement une partie de ma commande {order}, {other_product} est pas dans la "
        "boîte.",
        "Le bordereau indique {other_product} mais c'est pas dans le colis. Commande {order}.",
        "Il me manque {other_product}! Y'avait juste {the_product} dans la boîte. Commande "
        "{order}.",
    ),
    "wrong_item/wrong_product": (
        "J'ai reçu {other_product} au lieu de {the_product}! Commande {order}.",
        "C'est pas ma commande ça, j'ai reçu {other_product} alors que j'avais commandé {product}.",
        "Erreur d'envoi : dans ma boîte il y avait {other_product}, pas ce que j'ai commandé. "
        "Commande {order}.",
        "Je pense que vous avez mélangé deux commandes. J'ai reçu {other_product} au lieu de "
        "{my_product}.",
    ),
    "defective_product/defect": (
        "J'ai {my_product} depuis {days} jours et déjà {defect}. C'est pas normal pour le prix "
        "payé.",
        "{Defect}. C'est {my_product} de la commande {order}. Est-ce couvert par la garantie?",
        "Produit défectueux : {defect}. Commande {order}, je voudrais un remplacement.",
        "Vraiment déçu de {my_product}, {defect} après quelques sorties seulement.",
        "Est-ce que vous remplacez les articles défectueux? {Defect}. J'ai des photos si vous "
        "voulez.",
        "Après juste {days} jours, {defect}. Commande {order}. Je m'attendais à mieux de Nordet.",
    ),
    "address_change/before_ship": (
        "Je me suis trompé d'adresse pour la commande {order}. C'est-tu possible de la changer "
        "avant l'envoi? La bonne adresse : {new_address}.",
        "Je déménage la semaine prochaine, pouvez-vous envoyer la commande {order} à ma "
        "nouvelle adresse : {new_address}?",
        "Oups, j'ai mis mon ancienne adresse sur la commande {order}. La bonne c'est "
        "{new_address}.",
        "Est-ce que je peux faire livrer ma commande {order} au bureau plutôt? {new_address}",
    ),
    "address_change/wrong_postal": (
        "J'ai fait une erreur dans mon code postal ({postal}), le bon c'est {new_postal}. "
        "Commande {order}.",
        "Le code postal sur ma commande {order} est pas bon, c'est {new_postal} et pas {postal}. "
        "Est-ce que ça va quand même arriver?",
        "{carrier} me dit que l'adresse est invalide pour la commande {order}. Je pense que "
        "c'est le code postal, le bon est {new_postal}.",
        "Erreur de code postal dans ma commande {order} : j'ai écrit {postal} au lieu de "
        "{new_postal}. Pouvez-vous corriger?",
    ),
    "address_change/missing_apt": (
        "J'ai oublié de mettre mon numéro d'appartement sur la commande {order}! C'est l'app. "
        "{apt} au {address}.",
        "{carrier} a pas pu livrer parce qu'il manque le numéro d'appart. Commande {order}, "
        "c'est le {apt}.",
        "Le livreur trouve pas mon logement, j'ai oublié l'appartement {apt} dans l'adresse. "
        "Pouvez-vous le rajouter? Commande {order}.",
        "Mon adresse est incomplète sur la commande {order} : {address}, il manque l'app. "
        "{apt}. Le colis est bloqué chez {carrier}.",
    ),
    "order_change/cancel": (
        "Je voudrais annuler ma commande {order} svp, je l'ai passée par erreur.",
        "Est-ce que c'est possible d'annuler la commande {order}? J'ai trouvé ailleurs.",
        "Annulation svp pour la commande {order}, j'ai commandé deux fois la même chose.",
        "Pouvez-vous annuler ma commande {order} avant qu'elle parte? Merci!",
        "J'ai changé d'idée, je voudrais annuler {my_product} (commande {order}).",
    ),
    "order_change/modify": (
        "Je viens de commander {the_product} en {size} mais je voudrais plutôt du {other_size}. "
        "Est-ce que vous pouvez modifier la commande {order}?",
        "C'est-tu possible de changer la couleur pour {other_color} dans ma commande {order}? "
        "Elle est pas encore partie je pense.",
        "J'aimerais ajouter {other_product} à ma commande {order} pour sauver les frais de "
        "livraison.",
        "Erreur de taille dans ma commande {order}, je voulais {other_size}. Svp changer avant "
        "l'envoi.",
    ),
    "product_question/sizing": (
        "Je mesure 5 pieds 8 et je porte habituellement du {size}. Quelle taille vous me "
        "conseillez pour {the_product}?",
        "Est-ce que ça taille grand ou petit, {the_product}? J'hésite entre {size} et "
        "{other_size}.",
        "Pour {the_product}, est-ce qu'on peut mettre un gros chandail en dessous si je prends "
        "du {size}?",
        "Avez-vous un guide des tailles pour {the_product}? Je suis entre deux grandeurs.",
        "Mon chum porte du {size} normalement, c'est-tu pareil chez vous pour {the_product}?",
    ),
    "product_question/restock": (
        "Est-ce que {the_product} en {size} {color} va revenir en stock bientôt?",
        "Quand allez-vous avoir du nouveau stock pour {the_product}? C'est en rupture en {size}.",
        "Je voulais {the_product} en {color} mais c'est écrit épuisé. Y'a-tu une date de retour?",
        "Allez-vous avoir {the_product} en {size} avant Noël? C'est pour un cadeau.",
    ),
    "product_question/material": (
        "C'est-tu assez chaud pour -30, {the_product}? Je vais faire de la motoneige au "
        "Lac-Saint-Jean.",
        "C'est quoi la composition de {the_product}? Je suis allergique à la laine.",
        "{The_product}, c'est-tu imperméable? Merci de me répondre rapidement.",
        "Est-ce qu'on peut laver {the_product} à la machine?",
        "Vous livrez-tu aux États-Unis? Je voudrais envoyer {the_product} en cadeau à ma sœur.",
        "Est-ce que vos produits sont fabriqués au Canada? Je pense acheter {the_product}.",
    ),
    "billing/double_charge": (
        "J'ai été chargé deux fois pour ma commande {order}! Deux transactions de {amount} sur "
        "ma carte.",
        "Ma carte de crédit montre deux paiements pour la même commande ({order}). Pouvez-vous "
        "rembourser le doublon?",
        "Je vois deux prélèvements de {amount} sur mon relevé. Je veux être remboursé pour le "
        "deuxième svp.",
    ),
    "billing/promo": (
        "J'ai oublié d'entrer mon code promo {code} pour la commande {order}. Est-ce que vous "
        "pouvez l'appliquer quand même?",
        "Le code {code} fonctionne pas au paiement, il dit « code invalide ».",
        "Mon code de réduction {code} a pas été appliqué sur la commande {order}. Je devrais "
        "avoir le rabais.",
    ),
    "billing/invoice": (
        "Pourriez-vous m'envoyer une facture avec les numéros de TPS et TVQ pour la commande "
        "{order}? C'est pour mon entreprise.",
        "J'ai besoin d'un reçu pour la commande {order}, je l'ai pas reçu par courriel.",
        "Pourquoi j'ai payé la TVQ et la TPS sur les frais de livraison? Commande {order}.",
        "Est-ce que je peux avoir une facture au nom de ma compagnie pour la commande {order}?",
    ),
    "billing/declined": (
        "Ma carte est refusée à chaque fois que j'essaie de payer, pourtant elle fonctionne "
        "ailleurs.",
        "Paiement refusé sur votre site, j'ai essayé avec Visa pis Mastercard. Est-ce que je "
        "peux payer par PayPal?",
        "Le paiement passe pas, j'ai un message d'erreur. Je voudrais commander {the_product}.",
    ),
    "other/compliment": (
        "Je voulais juste vous dire merci! J'ai reçu {my_product} et c'est parfait, super "
        "chaud. Bravo à l'équipe!",
        "Service impeccable, livraison rapide pis produit de qualité. Je vais recommander "
        "Nordet à mes amis.",
        "Merci pour le petit mot écrit à la main dans le colis, ça fait plaisir!",
        "J'ai porté {my_product} une semaine à -35 en Abitibi, aucun problème. Chapeau!",
    ),
    "other/partnership": (
        "Je suis créatrice de contenu plein air au Québec (25 k abonnés). Seriez-vous "
        "intéressés par une collaboration?",
        "Notre boutique à {city} aimerait vendre vos produits. Avez-vous un programme pour les "
        "détaillants?",
        "Notre club de ski de fond cherche un commanditaire pour la saison. Est-ce que Nordet "
        "serait partant?",
    ),
    "other/job": (
        "Est-ce que vous engagez pour le temps des fêtes à l'entrepôt de Saint-Hyacinthe?",
        "Je voudrais poser ma candidature pour un poste au service à la clientèle. À qui "
        "j'envoie mon CV?",
    ),
    "other/feedback": (
        "Suggestion : ce serait bien d'avoir {the_product} en taille XXL aussi.",
        "Votre site est difficile à utiliser sur cellulaire, le bouton pour payer apparaît pas.",
        "Pourquoi vous vendez pas de mitaines pour enfants? J'en chercherais.",
        "Ce serait le fun d'avoir un point de cueillette à {city} pour sauver la livraison.",
    ),
}

SUBJECT: dict[str, tuple[str, ...]] = {
    "order_status": (
        "Commande {order}",
        "Où est ma commande?",
        "Suivi de la commande {order}",
        "Commande pas encore reçue",
        "Question sur ma commande {order}",
        "Délai de livraison",
    ),
    "delivery_problem": ("Problème de livraison - commande {order}", "Livraison {order}"),
    "delivery_problem/not_received": ("Colis non reçu", "Colis livré mais pas reçu"),
    "delivery_problem/damaged": ("Colis endommagé", "Colis arrivé abîmé"),
    "delivery_problem/stuck": ("Colis bloqué", "Colis perdu?"),
    "delivery_problem/rts": ("Colis retourné à l'expéditeur", "Retour à l'expéditeur?"),
    "return_request/exchange": ("Échange de taille", "Échange - commande {order}"),
    "return_request/refund": ("Retour", "Demande de retour - {order}", "Étiquette de retour"),
    "refund_status": (
        "Remboursement",
        "Où est mon remboursement?",
        "Remboursement commande {order}",
        "Retour reçu, remboursement?",
    ),
    "wrong_item": ("Mauvais article reçu", "Erreur dans ma commande {order}", "Erreur de commande"),
    "wrong_item/wrong_size": ("Mauvaise taille", "Mauvaise taille reçue - {order}"),
    "wrong_item/missing_item": ("Article manquant", "Il manque un article - {order}"),
    "defective_product": (
        "Produit défectueux",
        "Garantie",
        "Problème avec {my_product}",
        "Défaut - commande {order}",
    ),
    "address_change": ("Erreur d'adresse - {order}", "Adresse de livraison"),
    "address_change/before_ship": ("Changement d'adresse", "Nouvelle adresse - {order}"),
    "address_change/wrong_postal": ("Code postal erroné", "Erreur de code postal"),
    "address_change/missing_apt": ("Numéro d'appartement manquant", "Adresse incomplète"),
    "order_change/cancel": ("Annuler ma commande", "Annulation {order}", "Annulation svp"),
    "order_change/modify": ("Modifier ma commande {order}", "Changement avant l'envoi"),
    "product_question": ("Question sur {the_product}", "Question produit"),
    "product_question/sizing": ("Guide des tailles", "Quelle taille choisir?"),
    "product_question/restock": ("Disponibilité", "Retour en stock?"),
    "billing/double_charge": ("Facturation", "Double paiement", "Chargé deux fois!"),
    "billing/promo": ("Code promo", "Rabais non appliqué - {order}"),
    "billing/invoice": ("Facture pour la commande {order}", "Reçu", "Facturation"),
    "billing/declined": ("Paiement refusé", "Problème de paiement"),
    "other/compliment": ("Merci!", "Petit mot", "Bravo"),
    "other/partnership": ("Collaboration", "Partenariat", "Proposition"),
    "other/job": ("Emploi", "Candidature"),
    "other/feedback": ("Suggestion", "Commentaire"),
}

AMAZON_SUBJECT = "Demande de renseignements d'un client Amazon (Commande : {mkt_id})"
ETSY_SUBJECT = "Aide avec la commande n° {mkt_id}"
NO_SUBJECT = "(sans objet)"

GREETINGS_LONG = ("Bonjour,", "Bonjour!", "Allo,", "Salut,", "Bonsoir,", "Bonjour Nordet,", "")
GREETINGS_SHORT = ("", "", "Allo!", "Bonjour!", "Salut!", "Hello!")
SIGNOFFS_LONG = (
    "Merci!\n{first}",
    "Merci d'avance,\n{full}",
    "Bonne journée,\n{first}",
    "Cordialement,\n{full}",
    "Merci beaucoup\n{first}",
    "{first}",
    "Merci de me revenir rapidement.\n{full}",
)
SIGNOFFS_SHORT = ("", "", "merci", "Merci!", "svp merci", "merci d'avance")

CUSTOMER_INFO: dict[str, tuple[str, ...]] = {
    "order_status": (
        "Mon code postal c'est {postal}. Merci de vérifier!",
        "C'est {postal}. J'ai vraiment besoin du colis avant vendredi.",
        "Voici mon code postal : {postal}. Merci!",
    ),
    "delivery_problem": (
        "J'ai vérifié avec les voisins, personne l'a vu. Je vous envoie une photo de ma porte.",
        "Non, rien dans la boîte aux lettres ni chez le concierge.",
    ),
    "delivery_problem/damaged": (
        "Voici les photos de l'emballage. Vous voyez que c'était tout écrasé.",
        "Photos en pièce jointe, la boîte et l'article.",
    ),
    "delivery_problem/stuck": ("C'est {address}, {city} {new_postal}.",),
    "delivery_problem/rts": ("Oui, c'est bien {address}, {city}. Merci de renvoyer!",),
    "return_request": (
        "Je voudrais du {other_size}. Non il a jamais été porté, j'ai encore les étiquettes.",
        "Jamais porté, juste essayé. La taille {other_size} svp.",
    ),
    "refund_status": (
        "Carte finissant par {last4}, retour envoyé le {date}.",
        "C'est la Visa qui finit par {last4}. Le retour a été déposé le {date}.",
    ),
    "wrong_item": (
        "Je vous envoie la photo. Je l'ai pas porté, c'est encore dans le sac.",
        "Photo en pièce jointe. Merci de faire vite, c'était pour un cadeau.",
    ),
    "defective_product": (
        "Voici les photos. On voit bien le défaut.",
        "Je vous envoie deux photos du problème. Je l'ai porté 3 ou 4 fois max.",
    ),
    "address_change": (
        "C'est {address}, app. {apt}, {city} {new_postal}.",
        "L'adresse complète : {address}, {city}, {new_postal}. Merci!",
    ),
    "order_change/modify": (
        "Je voudrais la taille {other_size} à la place, c'est tout.",
        "Juste la taille à changer pour {other_size} svp.",
    ),
    "order_change/cancel": (
        "Oui, toute la commande svp.",
        "Oui je confirme, au complet. Merci!",
    ),
    "return_request/refund": (
        "Jamais porté, les étiquettes sont encore dessus.",
        "Je l'ai juste essayé une fois dans la maison. J'ai encore la boîte.",
    ),
    "wrong_item/wrong_size": (
        "Voici la photo de l'étiquette, c'est bien marqué {other_size}.",
        "Je vous envoie la photo de l'étiquette. C'est écrit {size} mais c'est grand comme un "
        "{other_size}.",
    ),
    "product_question/restock": ("Oui svp, avisez-moi. Je peux attendre quelques semaines.",),
    "billing/invoice": ("Au nom de Construction Lavoie inc., merci.",),
    "billing/promo": ("C'était dans l'infolettre de la semaine passée.",),
    "product_question": (
        "Je porte du {size} d'habitude, surtout pour marcher en ville.",
        "Pour faire de la raquette et du ski de fond surtout.",
    ),
    "billing": (
        "Voici la capture d'écran de mon relevé.",
        "Je vous envoie la capture, on voit les deux transactions.",
    ),
    "other": (
        "Oui, je vous envoie les détails par courriel.",
        "Merci, j'attends de vos nouvelles.",
    ),
}

REOPENED = (  # the customer writes back after the ticket was solved
    "Re-bonjour, finalement ce n'est pas réglé de mon côté. Pouvez-vous revérifier?",
    "Bonjour, je reviens vers vous : le problème n'est toujours pas réglé.",
    "Allo, désolé de vous relancer mais ça ne fonctionne toujours pas.",
    "Bonjour, je pensais que c'était réglé mais ce n'est pas le cas. Merci de regarder à nouveau.",
    "re bonjour toujours rien de mon bord",
)

THANKS = (
    "Merci beaucoup!",
    "Parfait, merci!",
    "Super merci pour la réponse rapide",
    "Ok merci bonne journée",
    "Génial, merci {agent}!",
    "Merci c'est apprécié",
    "Wow merci, service impeccable",
)

AGENT_GREETINGS = ("Bonjour {first},", "Bonjour {first},", "Allô {first},", "Bonjour,")
AGENT_GREETINGS_CHAT = ("Bonjour {first}!", "Allô {first}!", "Bonjour!")
AGENT_OPENERS = (
    "Merci de nous avoir écrit.",
    "Merci pour votre message.",
    "Merci de votre patience.",
    "Merci d'avoir pris le temps de nous écrire.",
    "",
)
AGENT_CLOSERS = (
    "N'hésitez pas si vous avez d'autres questions.",
    "Bonne journée!",
    "Au plaisir de vous aider à nouveau.",
    "Nous restons disponibles si besoin.",
    "Bonne fin de journée!",
)
SIGNATURE = "{agent}\nService à la clientèle Nordet"
AFTER_HOLD_OPENER = "Merci de votre patience, j'ai eu des nouvelles."
REOPEN_OPENER = "Désolé que ce ne soit pas encore réglé, je reprends votre dossier."

AGENT_RESOLVE: dict[str, tuple[str, ...]] = {
    "order_status/not_shipped": (
        "Votre commande {order} est en préparation à notre entrepôt et partira d'ici 24 à 48 "
        "heures. Vous recevrez le numéro de suivi par courriel dès l'expédition.",
        "Bonne nouvelle : votre commande {order} a été préparée et sera remise au transporteur "
        "aujourd'hui. Le lien de suivi vous sera envoyé par courriel.",
        "Nous avons eu un délai de préparation cette semaine à cause du volume, toutes nos "
        "excuses. Votre commande {order} est priorisée et partira aujourd'hui.",
    ),
    "order_status/in_transit": (
        "Votre colis est en route avec {carrier}. Le numéro de suivi est {tracking} et vous "
        "pouvez le suivre ici : {url}",
        "J'ai vérifié avec {carrier} : votre colis est au centre de tri de votre région et "
        "devrait être livré d'ici 1 à 2 jours ouvrables. Suivi : {url}",
        "Le transporteur a pris du retard cette semaine, désolés pour l'attente. Votre commande "
        "{order} est toujours en transit, voici le lien de suivi : {url}",
    ),
    "delivery_problem/not_received": (
        "Nous sommes désolés que votre colis ne soit pas arrivé. Nous avons ouvert une enquête "
        "avec {carrier} et, en attendant, nous vous réexpédions la commande {order} sans frais. "
        "Vous recevrez le nouveau numéro de suivi par courriel.",
        "Parfois le livreur laisse le colis à une porte arrière ou chez un voisin. Comme il "
        "reste introuvable, nous vous envoyons un remplacement dès aujourd'hui.",
    ),
    "delivery_problem/damaged": (
        "Toutes nos excuses pour l'état du colis! Nous vous envoyons un remplacement sans frais "
        "et vous n'avez pas besoin de retourner l'article abîmé.",
        "Merci pour les photos. Nous avons fait une réclamation auprès de {carrier} et un "
        "nouveau colis part aujourd'hui pour la commande {order}.",
    ),
    "delivery_problem/stuck": (
        "J'ai contacté {carrier} : votre colis était retenu au centre de tri et il est "
        "maintenant reparti. Suivi : {url}",
        "Le colis semble perdu par {carrier}. Nous réexpédions votre commande {order} en "
        "priorité aujourd'hui, sans frais.",
    ),
    "delivery_problem/rts": (
        "Votre colis nous est revenu parce que {carrier} n'a pas pu le livrer. Nous le "
        "réexpédions aujourd'hui; vous recevrez le nouveau suivi par courriel.",
        "Le transporteur nous a retourné la commande {order}. Elle repart aujourd'hui à votre "
        "adresse, sans frais supplémentaires.",
    ),
    "return_request/exchange": (
        "Aucun problème pour l'échange! Voici votre étiquette de retour prépayée : {return_url}. "
        "Dès que le colis sera numérisé, nous vous enverrons la taille {other_size}.",
        "J'ai créé un échange pour la taille {other_size}. Imprimez l'étiquette ici : "
        "{return_url} et déposez le colis dans n'importe quel bureau de poste.",
    ),
    "return_request/refund": (
        "Vous pouvez retourner l'article dans les 30 jours suivant la réception. Voici "
        "l'étiquette de retour : {return_url}. Le remboursement sera fait sur votre mode de "
        "paiement d'origine 5 à 10 jours ouvrables après la réception.",
        "Le retour est gratuit au Canada. Votre étiquette prépayée est ici : {return_url}. "
        "Assurez-vous que les étiquettes sont encore attachées.",
    ),
    "refund_status/waiting": (
        "Votre retour a bien été reçu et le remboursement de {amount} a été émis aujourd'hui. "
        "Selon votre banque, il peut prendre 3 à 5 jours ouvrables avant d'apparaître sur votre "
        "relevé.",
        "Toutes nos excuses pour le délai, l'entrepôt a reçu beaucoup de retours ce mois-ci. "
        "Votre remboursement de {amount} vient d'être traité.",
    ),
    "refund_status/wrong_amount": (
        "Vous avez raison, les taxes n'avaient pas été incluses. Je viens de rembourser la "
        "différence; vous recevrez une confirmation par courriel.",
        "J'ai vérifié la commande {order} : il manquait les frais de livraison. La différence "
        "vient d'être remboursée.",
    ),
    "wrong_item/wrong_size": (
        "Toutes nos excuses pour cette erreur! Nous vous envoyons {the_product} en {size} dès "
        "aujourd'hui. Voici une étiquette prépayée pour retourner celui reçu par erreur : "
        "{return_url}",
        "Désolés pour la mauvaise taille. Le bon article ({size}) part aujourd'hui en livraison "
        "prioritaire; gardez l'étiquette de retour pour l'autre : {return_url}",
    ),
    "wrong_item/wrong_color": (
        "Toutes nos excuses! Nous vous envoyons {the_product} en {color} aujourd'hui. Retournez "
        "l'autre avec cette étiquette prépayée : {return_url}",
    ),
    "wrong_item/missing_item": (
        "Désolés pour l'oubli! L'article manquant ({other_product}) part aujourd'hui, sans frais.",
        "Vous avez raison, l'article n'a pas été emballé. Nous l'expédions aujourd'hui et vous "
        "recevrez le suivi par courriel.",
    ),
    "wrong_item/wrong_product": (
        "Toutes nos excuses pour cette erreur d'emballage. Nous vous envoyons {the_product} "
        "aujourd'hui. Voici l'étiquette pour nous retourner l'autre article : {return_url}",
    ),
    "defective_product/defect": (
        "Nous sommes désolés pour ce problème. L'article est couvert par notre garantie d'un "
        "an : un remplacement part aujourd'hui et vous n'avez pas besoin de nous retourner "
        "l'article défectueux.",
        "Merci pour les photos. C'est clairement un défaut de fabrication; nous vous offrons "
        "le remplacement ou le remboursement complet, à votre choix.",
    ),
    "address_change/before_ship": (
        "C'est fait! L'adresse de livraison de la commande {order} a été mise à jour : "
        "{new_address}.",
        "Votre commande n'était pas encore partie, j'ai pu changer l'adresse pour {new_address}.",
    ),
    "address_change/wrong_postal": (
        "J'ai corrigé le code postal pour {new_postal} et avisé {carrier}. Le colis devrait "
        "être livré d'ici 2 à 3 jours ouvrables.",
    ),
    "address_change/missing_apt": (
        "Merci! J'ai ajouté l'appartement {apt} à l'adresse et demandé à {carrier} de tenter "
        "une nouvelle livraison.",
        "C'est corrigé : {address}, app. {apt}. {carrier} fera une nouvelle tentative demain.",
    ),
    "order_change/cancel": (
        "Votre commande {order} a été annulée et le montant de {amount} sera remboursé sur "
        "votre carte d'ici 3 à 5 jours ouvrables.",
        "C'est annulé! Vous verrez le remboursement de {amount} sur votre relevé dans quelques "
        "jours.",
    ),
    "order_change/modify": (
        "C'est fait, la modification a été apportée à votre commande {order} avant "
        "l'expédition. Vous recevrez le suivi par courriel.",
        "J'ai pu modifier la commande {order} juste à temps, elle n'était pas encore emballée.",
    ),
    "product_question/sizing": (
        "Pour {the_product}, la coupe est normale. Si vous portez souvent une couche épaisse en "
        "dessous, prenez la taille au-dessus. Notre guide des tailles : "
        "https://nordet.example/fr/guide-des-tailles",
        "Pour {the_product}, nous conseillons votre taille habituelle; entre deux tailles, "
        "prenez la plus grande. Les échanges de taille sont gratuits.",
    ),
    "product_question/restock": (
        "Un nouvel arrivage est prévu d'ici 2 à 3 semaines. Cliquez sur « M'aviser » sur la "
        "page du produit pour recevoir un courriel dès son retour.",
        "Nous attendons une livraison de notre fournisseur à la fin du mois. Je vous ai inscrit "
        "à l'alerte de retour en stock.",
    ),
    "product_question/material": (
        "Toutes les informations sur la composition et l'entretien sont sur la page du produit, "
        "onglet « Détails ». En résumé : lavage à l'eau froide, séchage à plat.",
        "Nos vêtements d'hiver sont testés jusqu'à -30 °C en activité. Pour la motoneige, nous "
        "recommandons d'ajouter une couche thermique en dessous.",
    ),
    "billing/double_charge": (
        "Il s'agit d'une préautorisation de votre banque : un seul des deux montants sera "
        "prélevé et l'autre disparaîtra d'ici 3 à 5 jours ouvrables.",
        "Vous avez raison, le paiement a été pris deux fois. J'ai remboursé le doublon de "
        "{amount}.",
    ),
    "billing/promo": (
        "J'ai appliqué le rabais du code {code} à votre commande {order}; la différence de "
        "{amount} sera remboursée sur votre carte.",
        "Le code {code} était expiré, mais j'ai fait une exception et appliqué le rabais.",
    ),
    "billing/invoice": (
        "Vous trouverez votre facture en pièce jointe. Nos numéros de taxes : TPS 812345678 "
        "RT0001, TVQ 1223456789 TQ0001.",
        "Je vous ai renvoyé le reçu de la commande {order} par courriel. Vérifiez vos "
        "indésirables au besoin.",
    ),
    "billing/declined": (
        "Nous acceptons Visa, Mastercard, Amex, PayPal et Apple Pay. Le refus vient souvent de "
        "la vérification d'adresse : l'adresse de facturation doit être identique à celle de "
        "votre relevé.",
    ),
    "other/compliment": (
        "Merci beaucoup pour votre beau message, je le transmets à toute l'équipe!",
        "Ça nous fait vraiment plaisir, merci! Bon hiver au chaud.",
    ),
    "other/partnership": (
        "Merci de votre intérêt! J'ai transmis votre demande à notre équipe marketing, qui "
        "vous répondra d'ici quelques jours.",
    ),
    "other/job": (
        "Merci de votre intérêt pour Nordet! Nos offres d'emploi sont sur "
        "https://nordet.example/fr/carrieres; vous pouvez envoyer votre CV à "
        "emplois@nordet.example.",
    ),
    "other/feedback": (
        "Merci pour la suggestion, je la transmets à notre équipe produit.",
        "Merci de nous le signaler, c'est noté et transmis à l'équipe.",
    ),
}

AGENT_ASK: dict[str, tuple[str, ...]] = {
    "order_status": (
        "Pourriez-vous me confirmer votre code postal pour que je vérifie le suivi avec {carrier}?",
    ),
    "delivery_problem": (
        "Pourriez-vous vérifier auprès de vos voisins et dans votre boîte aux lettres? Si le "
        "colis est arrivé abîmé, une photo de l'emballage nous aiderait.",
    ),
    "return_request": (
        "Pourriez-vous me confirmer la taille voulue et que l'article n'a pas été porté?",
    ),
    "delivery_problem/damaged": (
        "Pourriez-vous nous envoyer une photo de la boîte et de l'article? Ça nous permettra "
        "de faire la réclamation auprès de {carrier}.",
    ),
    "delivery_problem/stuck": (
        "Pourriez-vous me confirmer votre adresse complète? Je vais ouvrir une enquête avec "
        "{carrier}.",
    ),
    "delivery_problem/rts": (
        "Pourriez-vous me confirmer votre adresse avant que nous réexpédiions le colis?",
    ),
    "refund_status": (
        "Pourriez-vous me confirmer les 4 derniers chiffres de la carte utilisée et la date du "
        "retour?",
    ),
    "wrong_item": (
        "Pourriez-vous m'envoyer une photo de l'étiquette de l'article reçu? Ça nous aidera à "
        "retracer l'erreur avec l'entrepôt.",
    ),
    "defective_product": (
        "Pourriez-vous nous envoyer une ou deux photos du défaut? Dès que nous les recevons, "
        "nous vous proposerons une solution.",
    ),
    "address_change": (
        "Pourriez-vous me confirmer l'adresse complète, avec le numéro d'appartement et le code "
        "postal?",
    ),
    "order_change/modify": ("Pourriez-vous me confirmer exactement ce que vous voulez modifier?",),
    "order_change/cancel": (
        "Pourriez-vous me confirmer que vous voulez annuler toute la commande, et non un seul "
        "article?",
    ),
    "return_request/refund": (
        "Pourriez-vous me confirmer que l'article n'a pas été porté et qu'il a encore ses "
        "étiquettes?",
    ),
    "product_question/restock": (
        "Voulez-vous que je vous inscrive à l'alerte de retour en stock?",
    ),
    "billing/invoice": ("À quel nom voulez-vous la facture?",),
    "billing/promo": ("Où avez-vous obtenu le code? Certains codes sont réservés à l'infolettre.",),
    "product_question": (
        "Pourriez-vous me donner votre taille habituelle et l'usage prévu (ville, plein air, "
        "motoneige)?",
    ),
    "billing": (
        "Pourriez-vous m'envoyer une capture d'écran de votre relevé (en masquant le numéro de "
        "carte)?",
    ),
    "other": ("Pourriez-vous nous donner un peu plus de détails?",),
}

AGENT_HOLD: dict[str, tuple[str, ...]] = {
    "delivery_problem": (
        "J'ai ouvert une demande auprès de {carrier} pour retracer votre colis. Je vous reviens "
        "dès que j'ai leur réponse, normalement d'ici 48 heures.",
    ),
    "wrong_item": (
        "Je vérifie avec notre entrepôt ce qui s'est passé avec la commande {order} et je vous "
        "reviens d'ici 48 heures.",
    ),
    "defective_product": (
        "Je transmets vos photos à notre fournisseur pour la garantie et je vous reviens dès que "
        "j'ai sa réponse.",
    ),
    "refund_status": (
        "Je vérifie avec notre entrepôt si votre retour a bien été réceptionné et je vous "
        "reviens rapidement.",
    ),
}

NOTE_HOLD: dict[str, tuple[str, ...]] = {
    "delivery_problem": (
        "@{colleague} j'ai ouvert une enquête chez {carrier} pour {tracking}, dossier {case}.",
        "Réclamation {carrier} ouverte (dossier {case}). À relancer dans 2 jours.",
    ),
    "wrong_item": (
        "@{colleague} peux-tu vérifier avec LogiPro pour la commande {order}? Le client a reçu "
        "autre chose que ce qui a été commandé.",
        "Erreur de préparation probable à l'entrepôt ({warehouse}). Photo de l'étiquette demandée.",
    ),
    "defective_product": (
        "@{colleague} as-tu le contact du fournisseur pour la garantie? Photos au dossier.",
    ),
    "refund_status": (
        "@{colleague} peux-tu vérifier si le retour de {order} a été scanné à l'entrepôt?",
    ),
}

NOTE_MISC = (
    "Client fidèle, j'ai offert la livraison express.",
    "J'ai regardé l'historique du client dans Shopify, rien d'anormal.",
    "@{colleague} je te laisse celui-là, je suis en congé demain.",
    "Déjà répondu par téléphone, je ferme après sa réponse.",
    "Même problème que la semaine passée avec ce client, à surveiller.",
)
