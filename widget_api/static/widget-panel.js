/*! Comptoir chat widget panel: help search, order tracking, returns and live chat.
 * Loaded by widget.js the first time the launcher is opened; draws inside its Shadow DOM.
 * Every text from the network is inserted as text (textContent), except help articles, whose
 * HTML the server sanitises and which are cleaned again here before going into the shadow root. */
(function (w, d) {
  "use strict";
  if (!w.ComptoirWidget || !w.ComptoirWidget._define) return;

  // Every string in both languages: [fr-CA, en-CA].
  var S = {
    sections: ["Sections de l'aide", "Help sections"],
    tabHelp: ["Aide", "Help"],
    tabOrder: ["Commande", "My order"],
    tabReturn: ["Retour", "Return"],
    tabChat: ["Clavarder", "Chat"],
    close: ["Fermer", "Close"],
    online: ["Nous sommes en ligne", "We're online"],
    offline: ["Hors ligne : réponse par courriel", "Offline: we'll reply by email"],
    searchLabel: ["Rechercher dans l'aide", "Search help"],
    searchHint: ["Ex. : retour, taille, livraison", "E.g. return, size, shipping"],
    popular: ["Sujets populaires", "Popular topics"],
    topics: ["retour|livraison|guide des tailles|remboursement", "return|shipping|size guide|refund"],
    results: ["{n} article(s) trouvé(s)", "{n} article(s) found"],
    searching: ["Recherche…", "Searching…"],
    noResults: ["Aucun article ne correspond à « {q} ».", "No article matches “{q}”."],
    notFound: ["Vous ne trouvez pas votre réponse?", "Can't find your answer?"],
    askUs: ["Écrivez-nous", "Message us"],
    back: ["Retour aux résultats", "Back to results"],
    helpful: ["Cet article vous a-t-il aidé?", "Was this helpful?"],
    yes: ["Oui", "Yes"],
    no: ["Non", "No"],
    thanks: ["Merci de votre avis!", "Thanks for your feedback!"],
    sorry: ["Désolé! Un membre de l'équipe peut vous aider.", "Sorry! Someone from our team can help."],
    otherLang: ["Read in English", "Lire en français"],
    fullArticle: ["Ouvrir dans le centre d'aide", "Open in the help center"],
    orderIntro: ["Entrez votre numéro de commande et le courriel utilisé lors de l'achat.", "Enter your order number and the email you used at checkout."],
    orderNumber: ["Numéro de commande", "Order number"],
    orderHint: ["Ex. : ND-123456", "E.g. ND-123456"],
    email: ["Courriel", "Email"],
    track: ["Suivre ma commande", "Track my order"],
    orderTitle: ["Commande {n}", "Order {n}"],
    placed: ["Passée le", "Placed on"],
    carrier: ["Transporteur", "Carrier"],
    tracking: ["Numéro de suivi", "Tracking number"],
    shippedOn: ["Expédiée le", "Shipped on"],
    deliveredOn: ["Livrée le", "Delivered on"],
    trackLink: ["Suivre chez {c}", "Track with {c}"],
    items: ["Articles", "Items"],
    orderQuestion: ["Une question sur cette commande?", "A question about this order?"],
    anotherOrder: ["Chercher une autre commande", "Look up another order"],
    tooMany: ["Trop de tentatives. Réessayez dans {s} s.", "Too many attempts. Try again in {s} s."],
    network: ["Connexion impossible. Vérifiez votre réseau et réessayez.", "Could not connect. Check your network and try again."],
    failed: ["Une erreur est survenue. Réessayez.", "Something went wrong. Please try again."],
    returnIntro: ["Entrez votre numéro de commande et le courriel utilisé lors de l'achat pour voir les articles que vous pouvez retourner.", "Enter your order number and the email you used at checkout to see the items you can return."],
    findOrder: ["Trouver ma commande", "Find my order"],
    returnLines: ["Articles à retourner", "Items to return"],
    quantity: ["Quantité à retourner", "Quantity to return"],
    pickLine: ["Choisissez au moins un article à retourner.", "Choose at least one item to return."],
    reason: ["Raison", "Reason"],
    outcome: ["Ce que vous souhaitez", "What you would like"],
    exchangeFor: ["Échanger contre", "Exchange for"],
    outOfStock: ["en rupture de stock", "out of stock"],
    problem: ["Qu'est-ce qui ne va pas?", "What's wrong?"],
    startReturn: ["Commencer le retour", "Start my return"],
    returnTitle: ["Retour {r}", "Return {r}"],
    returnState: ["État", "Status"],
    returnOrder: ["Commande", "Order"],
    estimate: ["Remboursement estimé", "Estimated refund"],
    creditEstimate: ["Crédit en magasin estimé", "Estimated store credit"],
    exchangeGives: ["Vous recevrez en échange", "You will receive in exchange"],
    exchangeSame: ["Le même article, dans la taille ou la couleur choisie", "The same item, in the size or colour you chose"],
    exchangeNote: ["Un échange, sans remboursement : l'article de remplacement part dès que votre retour est reçu.", "An exchange, not a refund: the replacement ships as soon as your return arrives."],
    shippingFee: ["Frais de retour déduits", "Return shipping deducted"],
    label: ["Télécharger l'étiquette", "Download label"],
    labelLater: ["L'équipe examinera votre demande : l'étiquette sera offerte ici une fois le retour approuvé.", "Our team will review your request: the label will be offered here once the return is approved."],
    refresh: ["Vérifier l'état du retour", "Check the return status"],
    keepToken: ["Gardez ce numéro de retour : il sert à suivre votre demande avec l'équipe.", "Keep this return number: it lets our team follow up on your request."],
    askAgent: ["Écrire à un membre de l'équipe", "Message our team"],
    returnChat: ["Demande de retour pour la commande {n}. ", "Return request for order {n}. "],
    anotherReturn: ["Commencer un autre retour", "Start another return"],
    r_wrong_size: ["Mauvaise taille", "Wrong size"],
    r_wrong_item: ["Mauvais article reçu", "Wrong item received"],
    r_defective: ["Article défectueux", "Defective item"],
    r_not_as_described: ["Non conforme à la description", "Not as described"],
    r_changed_mind: ["Changement d'idée", "Changed my mind"],
    r_arrived_damaged: ["Arrivé endommagé", "Arrived damaged"],
    o_refund: ["Remboursement", "Refund"],
    o_exchange: ["Échange (autre taille ou couleur)", "Exchange (another size or colour)"],
    o_store_credit: ["Crédit en magasin", "Store credit"],
    // Return states as the customer should read them.
    rs_requested: ["Demande reçue", "Request received"],
    rs_approved: ["Approuvé", "Approved"],
    rs_rejected: ["Refusé", "Declined"],
    rs_label_issued: ["Approuvé : étiquette prête", "Approved: label ready"],
    rs_in_transit: ["Colis en route", "Parcel on its way"],
    rs_received: ["Colis reçu", "Parcel received"],
    rs_inspected: ["Inspecté", "Inspected"],
    rs_refunded: ["Remboursé", "Refunded"],
    rs_exchanged: ["Échangé", "Exchanged"],
    rs_credited: ["Crédité", "Credited"],
    rs_closed: ["Fermé", "Closed"],
    rs_cancelled: ["Annulé", "Cancelled"],
    chatIntro: ["Écrivez-nous : nous répondons ici même, en direct.", "Send us a message: we answer right here, live."],
    name: ["Nom", "Name"],
    optional: ["facultatif", "optional"],
    required: ["obligatoire", "required"],
    message: ["Votre message", "Your message"],
    messageHint: ["Écrivez votre message…", "Write your message…"],
    start: ["Envoyer", "Send"],
    send: ["Envoyer le message", "Send message"],
    attach: ["Joindre une image ou un PDF (5 Mo max.)", "Attach an image or PDF (5 MB max)"],
    sent: ["Fichier envoyé : {f}", "File sent: {f}"],
    you: ["Vous", "You"],
    agent: ["Équipe {s}", "{s} team"],
    typing: ["Un membre de l'équipe écrit…", "Someone from our team is typing…"],
    signedIn: ["Connecté en tant que {e}", "Signed in as {e}"],
    newChat: ["Nouvelle conversation", "New conversation"],
    ticket: ["Demande {r}", "Request {r}"],
    rated: ["Merci! Votre note : {n}/5.", "Thanks! Your rating: {n}/5."],
    closedNote: ["Cette conversation est résolue. Écrivez pour la rouvrir.", "This conversation is solved. Write to reopen it."],
    poweredBy: ["Propulsé par Comptoir", "Powered by Comptoir"],
    // The bot that answers first, from the help center (issue 15).
    bot: ["Assistant", "Assistant"],
    botSources: ["Sources :", "Sources:"],
    botThinking: ["L'assistant cherche une réponse…", "The assistant is looking for an answer…"],
    botAnswered: ["Ça répond à ma question", "That answers my question"],
    botPerson: ["Parler à une personne", "Talk to a person"],
    botGlad: ["Tant mieux! Une autre question? Écrivez-la ci-dessous.", "Great! Anything else? Type it below."],
    botHandedOff: ["Une personne de l'équipe a reçu votre échange avec l'assistant et vous répond ici.", "Someone from our team has your exchange with the assistant and will answer here."],
    botHandingOff: ["Nous ouvrons une conversation avec une personne de l'équipe…", "Opening a conversation with someone from our team…"],
    // Order statuses as the customer should read them.
    s_unfulfilled: ["Commande reçue", "Order received"],
    s_processing: ["En préparation", "Being prepared"],
    s_shipped: ["Expédiée", "Shipped"],
    // In transit: the same words as the step it lights.
    s_in_transit: ["En route", "On its way"],
    s_out_for_delivery: ["En cours de livraison", "Out for delivery"],
    s_delivered: ["Livrée", "Delivered"],
    s_exception: ["Problème de livraison", "Delivery issue"],
    s_returned_to_sender: ["Retournée à l'expéditeur", "Returned to sender"],
    s_cancelled: ["Annulée", "Cancelled"],
    step1: ["Reçue", "Received"],
    step2: ["Expédiée", "Shipped"],
    step3: ["En route", "On its way"],
    step4: ["Livrée", "Delivered"]
  };

  var ICON = {
    help: "<circle cx='11' cy='11' r='7'/><path d='M20 20l-4-4'/>",
    order: "<path d='M3 7l9-4 9 4-9 4-9-4z'/><path d='M3 7v10l9 4 9-4V7'/><path d='M12 11v10'/>",
    return: "<path d='M9 14L4 9l5-5'/><path d='M4 9h11a5 5 0 0 1 0 10h-3'/>",
    chat: "<path d='M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z'/>",
    close: "<path d='M6 6l12 12M18 6L6 18'/>",
    clip: "<path d='M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9'/>",
    send: "<path d='M22 2L11 13'/><path d='M22 2l-7 20-4-9-9-4 20-7z'/>",
    back: "<path d='M15 18l-6-6 6-6'/>",
    out: "<path d='M14 4h6v6'/><path d='M20 4l-9 9'/><path d='M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5'/>"
  };

  var CSS =
    ".panel{position:fixed;z-index:2147483001;bottom:92px;right:20px;width:390px;height:min(680px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 16px 48px rgba(15,23,42,.28),0 2px 8px rgba(15,23,42,.12);animation:cw-in .18s ease-out}" +
    ".left .panel{right:auto;left:20px}@keyframes cw-in{from{opacity:0;transform:translateY(12px)}}" +
    "button,input,textarea,select{font:inherit;color:inherit;margin:0}a{color:var(--link)}" +
    ":focus-visible{outline:3px solid var(--ring);outline-offset:2px}.head :focus-visible{outline-color:var(--ink)}" +
    ".sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ".head{background:var(--c);color:var(--ink);padding:16px 16px 0;flex:none}" +
    ".top{display:flex;align-items:center;gap:12px}.avatar{flex:none;width:40px;height:40px;border-radius:50%;display:grid;place-items:center;font-weight:700;font-size:18px;background:rgba(255,255,255,.2);border:2px solid currentColor}" +
    ".title{flex:1;min-width:0}h2{margin:0;font-size:17px;font-weight:650;line-height:1.25}.presence{margin:2px 0 0;font-size:13px;opacity:.92;display:flex;align-items:center;gap:6px}" +
    ".dot{width:9px;height:9px;border-radius:50%;background:#9aa4b2;box-shadow:0 0 0 2px rgba(255,255,255,.6)}.dot.on{background:#22c55e}" +
    ".icon{all:unset;box-sizing:border-box;width:36px;height:36px;border-radius:10px;display:grid;place-items:center;cursor:pointer}.icon:hover{background:rgba(127,127,127,.18)}" +
    "svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;flex:none}" +
    ".welcome{margin:10px 0 12px;font-size:14px;opacity:.95}" +
    ".tabs{display:flex;margin:0 -16px;padding:0 8px}.tab{all:unset;box-sizing:border-box;flex:1;display:flex;flex-direction:column;align-items:center;gap:3px;padding:8px 2px 10px;font-size:12.5px;font-weight:600;cursor:pointer;opacity:.8;border-bottom:3px solid transparent;border-radius:6px 6px 0 0}" +
    ".tab:hover{opacity:1}.tab[aria-selected=true]{opacity:1;border-bottom-color:currentColor}" +
    ".body{flex:1;min-height:0;background:#f5f6f8;position:relative}.pane{height:100%;overflow:auto;overscroll-behavior:contain;padding:16px}" +
    ".foot{flex:none;margin:0;text-align:center;font-size:11.5px;color:#5b6470;padding:6px;background:#f5f6f8;border-top:1px solid #e6e8ec}" +
    "label{display:block;font-size:13.5px;font-weight:600;margin:0 0 5px;color:#2b3138}label small{font-weight:400;color:#5b6470}" +
    ".field{margin:0 0 12px}input,textarea,select{display:block;width:100%;padding:10px 12px;border:1px solid #b9c0c9;border-radius:10px;background:#fff;font-size:16px;line-height:1.35}" +
    "input:focus,textarea:focus,select:focus{border-color:var(--ring)}textarea{resize:vertical;min-height:84px}" +
    ".search{position:relative}.search svg{position:absolute;left:12px;top:50%;transform:translateY(-50%);color:#5b6470}.search input{padding-left:40px;height:46px;border-radius:12px;box-shadow:0 1px 2px rgba(15,23,42,.06)}" +
    ".btn{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;gap:8px;padding:10px 16px;border-radius:10px;background:var(--c);color:var(--ink);font-weight:600;cursor:pointer;text-align:center}" +
    ".btn[disabled]{opacity:.55;cursor:default}.btn.wide{width:100%}.btn.ghost{background:#fff;color:#1d2327;border:1px solid #b9c0c9}.btn.small{padding:6px 14px;font-size:14px}" +
    ".link{all:unset;cursor:pointer;color:var(--link);font-weight:600;display:inline-flex;align-items:center;gap:4px;text-decoration:underline;text-underline-offset:2px}" +
    "h3{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#5b6470;margin:18px 0 8px}" +
    ".chips{display:flex;flex-wrap:wrap;gap:8px}.chip{all:unset;box-sizing:border-box;padding:7px 12px;border-radius:999px;background:#fff;border:1px solid #d3d8de;font-size:14px;cursor:pointer}.chip:hover{border-color:var(--ring)}" +
    ".list{list-style:none;margin:12px 0 0;padding:0;display:grid;gap:8px}.result{all:unset;box-sizing:border-box;display:block;width:100%;padding:12px 14px;background:#fff;border:1px solid #e1e4e8;border-radius:12px;cursor:pointer}" +
    ".result:hover{border-color:var(--ring);box-shadow:0 2px 8px rgba(15,23,42,.08)}.result strong{display:block;font-size:15px;color:#111827;margin-bottom:2px}" +
    ".result span{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;font-size:13.5px;color:#4b5563}" +
    ".more{margin:14px 0 4px;text-align:center;font-size:14px;color:#4b5563}.more p{margin:0 0 2px}.empty{background:#fff;border:1px dashed #c5cbd3;border-radius:12px;padding:14px;margin-top:12px;color:#374151}.empty p{margin:0 0 10px}" +
    ".card{background:#fff;border:1px solid #e1e4e8;border-radius:12px;padding:16px}" +
    ".atitle{font-size:19px;line-height:1.3;margin:2px 0 10px;color:#111827}.article h1,.article h2,.article h3,.article h4{text-transform:none;letter-spacing:0;font-size:16px;line-height:1.35;color:#111827;margin:16px 0 6px}" +
    ".article p,.article li{font-size:14.5px;color:#1f2937}.article ul,.article ol{padding-left:20px}.article img{max-width:100%;height:auto;border-radius:8px}" +
    ".article table{border-collapse:collapse;width:100%;font-size:13.5px}.article td,.article th{border:1px solid #e1e4e8;padding:5px 7px;text-align:left}" +
    ".article code{background:#f1f3f5;padding:1px 4px;border-radius:4px}.crumbs{display:flex;justify-content:space-between;align-items:center;gap:8px;margin-bottom:10px;font-size:14px}" +
    ".vote{margin-top:14px;padding:14px;background:#fff;border:1px solid #e1e4e8;border-radius:12px;text-align:center}.vote p{margin:0 0 10px;font-weight:600}.vote .row{display:flex;gap:8px;justify-content:center}" +
    ".error{margin:0 0 12px;padding:10px 12px;border-radius:10px;background:#fdecec;color:#8a1c1c;border:1px solid #f5c2c2;font-size:14px}" +
    ".note{margin:0 0 12px;padding:10px 12px;border-radius:10px;background:#fff8e1;color:#5c4400;border:1px solid #f2dc9b;font-size:14px}" +
    ".intro{margin:0 0 14px;color:#374151;font-size:14.5px}" +
    ".ohead{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:8px;margin-bottom:14px}.ohead strong{font-size:16px}" +
    ".status{padding:4px 10px;border-radius:999px;font-size:13px;font-weight:700;background:#e0ecff;color:#1e3a8a;white-space:nowrap;max-width:100%;overflow-wrap:anywhere}.status.delivered{background:#dcfce7;color:#14532d}.status.bad{background:#fdecec;color:#8a1c1c}" +
    ".steps{list-style:none;display:flex;margin:0 0 14px;padding:0;counter-reset:s}.steps li{flex:1;text-align:center;font-size:12px;color:#6b7280;position:relative;padding-top:22px}" +
    ".steps li::before{content:'';position:absolute;top:4px;left:50%;transform:translateX(-50%);width:12px;height:12px;border-radius:50%;background:#d1d5db;z-index:1}" +
    ".steps li::after{content:'';position:absolute;top:9px;left:-50%;width:100%;height:3px;background:#d1d5db}.steps li:first-child::after{display:none}" +
    ".steps li.done{color:#111827;font-weight:600}.steps li.done::before,.steps li.done::after{background:var(--c)}" +
    "dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;margin:0 0 14px;font-size:14px}dt{color:#5b6470}dd{margin:0;font-weight:600;word-break:break-word}" +
    ".items{list-style:none;margin:0 0 14px;padding:0;font-size:14px}.items li{padding:6px 0;border-top:1px solid #eef0f2}" +
    ".chat{display:flex;flex-direction:column;padding:0}.log{list-style:none;margin:0;padding:16px;flex:1;overflow:auto;overscroll-behavior:contain;display:flex;flex-direction:column;gap:10px}" +
    ".msg{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}.msg.customer{align-self:flex-end;align-items:flex-end}.msg.system{align-self:center;align-items:center;max-width:95%;text-align:center}" +
    ".who{font-size:12px;color:#5b6470;margin:0 4px 2px}.bubble{padding:9px 13px;border-radius:16px 16px 16px 4px;background:#fff;border:1px solid #e1e4e8;white-space:pre-wrap;word-break:break-word;font-size:14.5px}" +
    ".customer .bubble{background:var(--c);color:var(--ink);border-color:transparent;border-radius:16px 16px 4px 16px}.customer .bubble a{color:inherit}" +
    ".system .bubble{background:transparent;border:0;color:#5b6470;font-size:13px;padding:2px}.msg time{font-size:11.5px;color:#6b7280;margin:2px 4px 0}" +
    ".survey{background:#fff;border:1px solid #e1e4e8;border-radius:14px;padding:12px 14px;color:#1d2327;font-size:14px}.survey p{margin:0 0 10px}.survey .done{margin:0;font-weight:600}" +
    ".scores{display:flex;gap:6px;justify-content:center}.score{all:unset;box-sizing:border-box;width:40px;height:40px;border-radius:50%;border:1px solid #b9c0c9;display:grid;place-items:center;font-weight:700;cursor:pointer;background:#fff}" +
    ".score:hover,.score:focus-visible{background:var(--c);color:var(--ink);border-color:var(--c)}.score[disabled]{opacity:.5;cursor:default}.ends{display:flex;justify-content:space-between;font-size:11.5px;color:#5b6470;margin-top:4px}" +
    ".typing{margin:0;padding:0 16px 6px;font-size:13px;color:#5b6470;font-style:italic}" +
    ".ref{display:flex;justify-content:space-between;align-items:center;padding:8px 16px;font-size:12.5px;color:#5b6470;border-bottom:1px solid #e6e8ec;background:#fff}" +
    ".composer{display:flex;align-items:flex-end;gap:6px;padding:10px;background:#fff;border-top:1px solid #e6e8ec}.composer textarea{min-height:44px;max-height:140px;resize:none;border-radius:12px}" +
    ".composer .icon{color:#4b5563;flex:none;width:40px;height:44px}.composer .send{background:var(--c);color:var(--ink);border-radius:12px}.composer .send:hover{background:var(--c);filter:brightness(1.1)}" +
    ".cerr{margin:0 10px 8px}" +
    ".bot{list-style:none;margin:0;padding:0 0 12px;display:flex;flex-direction:column;gap:10px}.bot:empty{display:none}.msg.bot-answer .bubble{border-color:#cfd6de}.sources{margin:6px 4px 0;font-size:13px;color:#374151}.sources ul{margin:2px 0 0;padding-left:18px}" +
    ".choices{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 0}" +
    "@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0;animation:none}.pane{padding:14px}}" +
    "@media (prefers-reduced-motion:reduce){.panel{animation:none}}";

  w.ComptoirWidget._define(function mount(ctx) {
    var lang = ctx.lang;
    var root = ctx.root;
    var base = ctx.base;
    var config = ctx.config || {
      store_name: location.hostname,
      language: lang,
      color: "#0f4c5c",
      position: "right",
      welcome: "",
      offline_message: "",
      online: true,
      identity_required: false
    };
    var store = config.store_name || "";
    var tokenKey = "comptoir:" + base + ":token";
    var uid = 0;

    // -- small helpers --------------------------------------------------------------------
    function t(key, vars) {
      var text = S[key][lang === "fr" ? 0 : 1];
      return text.replace(/\{(\w+)\}/g, function (_, name) {
        return vars && vars[name] != null ? vars[name] : "";
      });
    }
    function h(tag, props, kids) {
      var el = d.createElement(tag);
      for (var key in props || {}) {
        var value = props[key];
        if (value == null || value === false) continue;
        if (key === "text") el.textContent = value;
        else if (key === "class") el.className = value;
        else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? "" : value);
      }
      (kids || []).forEach(function (kid) {
        if (kid != null) el.append(kid); // strings become text nodes
      });
      return el;
    }
    function icon(name) {
      var span = d.createElement("span");
      span.innerHTML = "<svg viewBox='0 0 24 24' aria-hidden='true' focusable='false'>" + ICON[name] + "</svg>";
      return span.firstChild;
    }
    function id(name) {
      return "cw-" + name + "-" + ++uid;
    }
    function field(label, input, note) {
      input.id = input.id || id("f");
      return h("div", { class: "field" }, [
        h("label", { for: input.id }, [label, note ? h("small", { text: " (" + note + ")" }) : null]),
        input
      ]);
    }
    function errorBox() {
      return h("p", { class: "error", role: "alert", hidden: true });
    }
    function showError(box, err) {
      box.textContent = err ? describe(err) : "";
      box.hidden = !err;
    }
    function describe(err) {
      if (err.status === 429) {
        var seconds = parseInt(err.retryAfter || "", 10);
        if (seconds > 0) return t("tooMany", { s: seconds });
      }
      return err.message || t("failed");
    }
    function safeUrl(value) {
      try {
        var url = new URL(value, base);
        return /^(https?|mailto|tel):$/.test(url.protocol) ? url.href : null;
      } catch (_) {
        return null;
      }
    }
    function date(value, withTime) {
      if (!value) return "";
      var options = withTime ? { hour: "2-digit", minute: "2-digit" } : { dateStyle: "long" };
      try {
        return new Intl.DateTimeFormat(lang === "fr" ? "fr-CA" : "en-CA", options).format(new Date(value));
      } catch (_) {
        return String(value);
      }
    }
    function storage(value) {
      try {
        if (value === undefined) return w.localStorage.getItem(tokenKey);
        if (value === null) w.localStorage.removeItem(tokenKey);
        else w.localStorage.setItem(tokenKey, value);
      } catch (_) {
        return null;
      }
    }
    function announce(text) {
      live.textContent = "";
      setTimeout(function () {
        live.textContent = text;
      }, 50);
    }
    function request(method, path, body, form) {
      var options = {
        method: method,
        headers: { Accept: "application/json", "Accept-Language": lang === "fr" ? "fr-CA" : "en-CA" }
      };
      if (form) options.body = form;
      else if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      return fetch(base + path, options).then(
        function (response) {
          if (response.status === 204) return null;
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              if (response.ok) return data;
              var err = new Error(data && typeof data.detail === "string" ? data.detail : t("failed"));
              err.status = response.status;
              err.retryAfter = response.headers.get("Retry-After");
              throw err;
            });
        },
        function () {
          var err = new Error(t("network"));
          err.status = 0;
          throw err;
        }
      );
    }
    function busy(button, on) {
      button.disabled = on;
      button.setAttribute("aria-busy", on ? "true" : "false");
    }

    // -- frame: dialog, header, tabs ------------------------------------------------------
    var style = h("style", { text: CSS });
    var titleId = id("title");
    var closeButton = h("button", { class: "icon", type: "button", "aria-label": t("close"), onclick: ctx.close }, [icon("close")]);
    var presence = h("p", { class: "presence" });
    var tablist = h("div", { class: "tabs", role: "tablist", "aria-label": t("sections") });
    var live = h("p", { class: "sr", role: "status", "aria-live": "polite" });
    var bodyEl = h("div", { class: "body" });
    var panel = h("div", { class: "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId, id: id("panel"), hidden: true }, [
      h("div", { class: "head" }, [
        h("div", { class: "top" }, [
          h("span", { class: "avatar", "aria-hidden": "true", text: (store.trim()[0] || "?").toUpperCase() }),
          h("div", { class: "title" }, [h("h2", { id: titleId, text: store }), presence]),
          closeButton
        ]),
        config.welcome ? h("p", { class: "welcome", text: config.welcome }) : h("div", { style: "height:12px" }),
        tablist
      ]),
      bodyEl,
      h("p", { class: "foot", text: t("poweredBy") }),
      live
    ]);
    // Links in the panel use a colour readable on white.
    ctx.frame.style.setProperty("--link", ctx.ink(config.color || "#0f4c5c") === "#ffffff" ? "var(--c)" : "#1d4ed8");
    ctx.frame.append(style, panel);
    ctx.launcher.setAttribute("aria-controls", panel.id);

    var tabs = {};
    var order = ["help", "order", "return", "chat"];
    var labels = { help: "tabHelp", order: "tabOrder", return: "tabReturn", chat: "tabChat" };
    var current = null;
    order.forEach(function (name) {
      var pane = h("div", { class: "pane" + (name === "chat" ? " chat" : ""), role: "tabpanel", id: id(name), hidden: true });
      var tab = h("button", { class: "tab", type: "button", role: "tab", id: id("tab"), "aria-selected": "false", "aria-controls": pane.id, tabindex: "-1", "data-tab": name, onclick: function () { select(name, true); } }, [icon(name), t(labels[name])]);
      pane.setAttribute("aria-labelledby", tab.id);
      tablist.append(tab);
      bodyEl.append(pane);
      tabs[name] = { tab: tab, pane: pane };
    });
    tablist.addEventListener("keydown", function (event) {
      var index = order.indexOf(current);
      var moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: order.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      var next = order[(moves[event.key] + order.length) % order.length];
      select(next, false);
      tabs[next].tab.focus();
    });
    function select(name, focusInside) {
      current = name;
      order.forEach(function (other) {
        var on = other === name;
        tabs[other].tab.setAttribute("aria-selected", on ? "true" : "false");
        tabs[other].tab.tabIndex = on ? 0 : -1;
        tabs[other].pane.hidden = !on;
      });
      if (name === "chat") chat.shown();
      if (focusInside) focusFirst(tabs[name].pane);
    }
    function focusables(scope) {
      var all = scope.querySelectorAll("a[href],button:not([disabled]),input:not([disabled]),textarea:not([disabled]),select:not([disabled]),[tabindex]:not([tabindex='-1'])");
      return Array.prototype.filter.call(all, function (el) {
        return el.getClientRects().length > 0;
      });
    }
    function focusFirst(scope) {
      var preferred = Array.prototype.filter.call(scope.querySelectorAll("[data-autofocus]:not([disabled])"), function (el) {
        return el.getClientRects().length > 0;
      })[0];
      var target = preferred || focusables(scope)[0];
      (target || tabs[current].tab).focus();
    }
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        ctx.close();
      } else if (event.key === "Tab") {
        // aria-modal: keep keyboard focus inside the dialog.
        var items = focusables(panel);
        if (!items.length) return;
        var active = root.activeElement;
        if (event.shiftKey && (active === items[0] || !panel.contains(active))) {
          event.preventDefault();
          items[items.length - 1].focus();
        } else if (!event.shiftKey && active === items[items.length - 1]) {
          event.preventDefault();
          items[0].focus();
        }
      }
    });

    // -- 1. help search --------------------------------------------------------------------
    var help = (function () {
      var pane = tabs.help.pane;
      var input = h("input", { type: "search", placeholder: t("searchHint"), autocomplete: "off", "data-autofocus": true, enterkeyhint: "search" });
      input.id = id("q");
      var listing = h("div");
      var results = h("ul", { class: "list" });
      var empty = h("div", { class: "empty", hidden: true });
      var chips = h("div", { class: "chips" });
      t("topics").split("|").forEach(function (topic) {
        chips.append(h("button", { class: "chip", type: "button", text: topic, onclick: function () { input.value = topic; run(topic); input.focus(); } }));
      });
      var intro = h("div", {}, [h("h3", { text: t("popular") }), chips]);
      var errors = errorBox();
      var reader = h("div", { hidden: true });
      var state = { queryId: null, sequence: 0, timer: 0, lastQuery: "" };
      listing.append(
        h("label", { for: input.id, class: "sr", text: t("searchLabel") }),
        h("div", { class: "search" }, [icon("help"), input]),
        errors,
        intro,
        results,
        empty
      );
      pane.append(listing, reader);

      input.addEventListener("input", function () {
        clearTimeout(state.timer);
        var q = input.value.trim();
        state.timer = setTimeout(function () {
          run(q);
        }, 250);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          clearTimeout(state.timer);
          run(input.value.trim());
        } else if (event.key === "ArrowDown" && results.firstChild) {
          event.preventDefault();
          results.querySelector("button").focus();
        }
      });
      results.addEventListener("keydown", function (event) {
        var buttons = Array.prototype.slice.call(results.querySelectorAll("button"));
        var index = buttons.indexOf(root.activeElement);
        if (event.key === "ArrowDown" && index < buttons.length - 1) buttons[index + 1].focus();
        else if (event.key === "ArrowUp") (index > 0 ? buttons[index - 1] : input).focus();
        else return;
        event.preventDefault();
      });

      function run(q) {
        var sequence = ++state.sequence;
        showError(errors, null);
        if (q.length < 2) {
          results.textContent = "";
          empty.hidden = true;
          intro.hidden = false;
          state.lastQuery = "";
          return;
        }
        if (q === state.lastQuery) return;
        state.lastQuery = q;
        results.setAttribute("aria-busy", "true");
        request("GET", "/api/v1/help/search?q=" + encodeURIComponent(q) + "&lang=" + lang).then(
          function (data) {
            if (sequence !== state.sequence) return;
            results.removeAttribute("aria-busy");
            state.queryId = data.query_id == null ? null : data.query_id;
            render(q, data.results || []);
          },
          function (err) {
            if (sequence !== state.sequence) return;
            results.removeAttribute("aria-busy");
            state.lastQuery = "";
            showError(errors, err);
          }
        );
      }
      function render(q, found) {
        results.textContent = "";
        intro.hidden = true;
        found.forEach(function (hit) {
          results.append(
            h("li", {}, [
              h("button", { class: "result", type: "button", "data-slug": hit.slug, onclick: function () { choose(hit); } }, [
                h("strong", { text: hit.title }),
                hit.summary ? h("span", { text: hit.summary }) : null
              ])
            ])
          );
        });
        empty.textContent = "";
        empty.hidden = false;
        empty.className = found.length ? "more" : "empty";
        empty.append(
          h("p", { text: found.length ? t("notFound") : t("noResults", { q: q }) }),
          h("button", { class: found.length ? "link" : "btn small", type: "button", text: t("askUs"), onclick: function () { chat.prefill({ body: found.length ? "" : q }); select("chat", true); } })
        );
        announce(found.length ? t("results", { n: found.length }) : t("noResults", { q: q }));
      }
      function choose(hit) {
        if (state.queryId != null) {
          request("POST", "/api/v1/help/searches/" + state.queryId + "/click", { slug: hit.slug }).catch(function () {});
        }
        open(hit.lang || lang, hit.slug);
      }
      function open(articleLang, slug) {
        showError(errors, null);
        request("GET", "/api/v1/help/articles/" + encodeURIComponent(articleLang) + "/" + encodeURIComponent(slug)).then(show, function (err) {
          listing.hidden = false;
          reader.hidden = true;
          showError(errors, err);
        });
      }
      function show(article) {
        reader.textContent = "";
        var body = h("div", { class: "article", lang: article.lang });
        body.append(clean(article.html || ""));
        body.addEventListener("click", function (event) {
          var link = event.target.closest && event.target.closest("a[href]");
          var match = link && link.href.indexOf(base + "/") === 0 && /\/help\/(fr|en)\/([\w-]+)\/?$/.exec(new URL(link.href).pathname);
          if (match) {
            event.preventDefault();
            open(match[1], match[2]);
          }
        });
        var vote = h("div", { class: "vote" });
        var ask = function (helpful) {
          request("POST", "/api/v1/help/articles/" + encodeURIComponent(article.lang) + "/" + encodeURIComponent(article.slug) + "/feedback", { helpful: helpful, query_id: state.queryId }).catch(function () {});
          vote.textContent = "";
          vote.append(h("p", { text: helpful ? t("thanks") : t("sorry") }));
          if (!helpful) vote.append(h("button", { class: "btn small", type: "button", text: t("askUs"), onclick: function () { chat.prefill({ body: "" }); select("chat", true); } }));
          announce(helpful ? t("thanks") : t("sorry"));
          (vote.querySelector("button") || vote).focus();
        };
        vote.tabIndex = -1;
        vote.append(
          h("p", { text: t("helpful") }),
          h("div", { class: "row" }, [
            h("button", { class: "btn ghost small", type: "button", text: t("yes"), "data-vote": "yes", onclick: function () { ask(true); } }),
            h("button", { class: "btn ghost small", type: "button", text: t("no"), "data-vote": "no", onclick: function () { ask(false); } })
          ])
        );
        var backButton = h("button", { class: "link", type: "button", onclick: back }, [icon("back"), t("back")]);
        var other = article.translation_slug
          ? h("button", { class: "link", type: "button", lang: lang === "fr" ? "en" : "fr", text: t("otherLang"), onclick: function () { open(article.lang === "fr" ? "en" : "fr", article.translation_slug); } })
          : null;
        var full = safeUrl(article.url);
        var heading = h("h2", { class: "atitle", text: article.title, tabindex: "-1" });
        reader.append(
          h("div", { class: "crumbs" }, [backButton, other]),
          h("div", { class: "card reader" }, [heading, body]),
          vote,
          full ? h("p", { style: "text-align:center;font-size:14px" }, [h("a", { href: full, target: "_blank", rel: "noopener noreferrer" }, [t("fullArticle"), " ", icon("out")])]) : null
        );
        listing.hidden = true;
        reader.hidden = false;
        pane.scrollTop = 0;
        heading.focus();
      }
      function back() {
        reader.hidden = true;
        listing.hidden = false;
        var again = results.querySelector("button");
        (again || input).focus();
      }
      // Defence in depth: the server sanitises article HTML; drop anything active anyway.
      function clean(html) {
        var template = d.createElement("template");
        template.innerHTML = html;
        var content = template.content;
        content.querySelectorAll("script,style,iframe,frame,object,embed,form,link,meta,base,noscript,template").forEach(function (el) {
          el.remove();
        });
        content.querySelectorAll("*").forEach(function (el) {
          Array.prototype.slice.call(el.attributes).forEach(function (attr) {
            var name = attr.name.toLowerCase();
            if (name.slice(0, 2) === "on" || name === "style" || name === "srcdoc" || name === "srcset" || name === "id" || name === "class") el.removeAttribute(attr.name);
            else if (name === "href" || name === "src" || name === "xlink:href" || name === "action" || name === "formaction") {
              var url = safeUrl(attr.value);
              if (url) el.setAttribute(attr.name, url);
              else el.removeAttribute(attr.name);
            }
          });
          if (el.tagName === "A") {
            el.setAttribute("target", "_blank");
            el.setAttribute("rel", "noopener noreferrer");
          }
        });
        return content;
      }
      return { queryId: function () { return state.queryId; } };
    })();

    // -- 2. track my order -----------------------------------------------------------------
    (function () {
      var pane = tabs.order.pane;
      var number = h("input", { name: "order_number", required: true, autocomplete: "off", placeholder: t("orderHint"), "data-autofocus": true, maxlength: "64" });
      var email = h("input", { name: "email", type: "email", required: true, autocomplete: "email", maxlength: "254", value: ctx.identity ? ctx.identity.email : null });
      var submit = h("button", { class: "btn wide", type: "submit", text: t("track") });
      var errors = errorBox();
      var result = h("div", { hidden: true });
      var form = h("form", { novalidate: true }, [h("p", { class: "intro", text: t("orderIntro") }), errors, field(t("orderNumber"), number), field(t("email"), email), submit]);
      pane.append(form, result);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!form.checkValidity()) {
          (number.validity.valid ? email : number).focus();
          showError(errors, { message: number.validity.valid ? email.validationMessage : number.validationMessage });
          return;
        }
        showError(errors, null);
        busy(submit, true);
        request("POST", "/api/v1/orders/lookup", { order_number: number.value.trim(), email: email.value.trim() })
          .then(show, function (err) {
            showError(errors, err);
          })
          .then(function () {
            busy(submit, false);
          });
      });
      function show(found) {
        var status = found.fulfillment_status;
        var reached = { unfulfilled: 1, processing: 1, shipped: 2, in_transit: 3, out_for_delivery: 3, exception: 3, delivered: 4 }[status] || 0;
        var label = S["s_" + status] ? t("s_" + status) : status;
        var tone = status === "delivered" ? " delivered" : /exception|returned|cancelled/.test(status) ? " bad" : "";
        var rows = [];
        function row(name, value) {
          if (value) rows.push(h("dt", { text: name }), h("dd", { text: value }));
        }
        row(t("placed"), date(found.placed_at));
        row(t("carrier"), found.carrier);
        row(t("tracking"), found.tracking_number);
        row(t("shippedOn"), date(found.shipped_at));
        row(t("deliveredOn"), date(found.delivered_at));
        var link = safeUrl(found.tracking_url);
        var heading = h("strong", { text: t("orderTitle", { n: found.number }), tabindex: "-1" });
        var items = h("ul", { class: "items" });
        (found.items || []).forEach(function (item) {
          var details = [item.size, item.color].filter(Boolean).join(", ");
          items.append(h("li", { text: item.quantity + " × " + item.title + (details ? " — " + details : "") }));
        });
        var steps = h("ol", { class: "steps", "aria-hidden": "true" });
        if (reached) {
          ["step1", "step2", "step3", "step4"].forEach(function (key, index) {
            steps.append(h("li", { class: index < reached ? "done" : "", text: t(key) }));
          });
        }
        result.textContent = "";
        result.append(
          h("div", { class: "card order" }, [
            h("div", { class: "ohead" }, [heading, h("span", { class: "status" + tone, "data-status": status, text: label })]),
            reached ? steps : null,
            h("dl", {}, rows),
            link ? h("p", {}, [h("a", { class: "btn wide", href: link, target: "_blank", rel: "noopener noreferrer" }, [t("trackLink", { c: found.carrier || "" }), icon("out")])]) : null,
            items.childNodes.length ? h("h3", { text: t("items") }) : null,
            items.childNodes.length ? items : null,
            h("p", { style: "margin:0;display:flex;flex-direction:column;gap:10px;align-items:flex-start" }, [
              h("button", { class: "link", type: "button", text: t("orderQuestion"), onclick: function () { chat.prefill({ order_number: found.number, email: email.value.trim() }); select("chat", true); } }),
              h("button", { class: "link", type: "button", text: t("anotherOrder"), onclick: function () { result.hidden = true; form.hidden = false; number.value = ""; number.focus(); } })
            ])
          ])
        );
        form.hidden = true;
        result.hidden = false;
        announce(t("orderTitle", { n: found.number }) + " : " + label);
        heading.focus();
      }
    })();

    // -- 3. returns: order lookup, items, reason and outcome, then the RMA and its label -----
    (function () {
      var pane = tabs.return.pane;
      var REASONS = ["wrong_size", "wrong_item", "defective", "not_as_described", "changed_mind", "arrived_damaged"];
      var LABELLED = /^(label_issued|in_transit|received|inspected|refunded|exchanged|credited|closed)$/;
      var found = null;
      var lineInputs = [];
      var returnToken = null;
      var chosenOutcome = null; // what the customer asked for, and the items an exchange sends
      var exchangeText = "";

      // Step 1: the order number and its e-mail.
      var number = h("input", { name: "order_number", required: true, autocomplete: "off", placeholder: t("orderHint"), "data-autofocus": true, maxlength: "64" });
      var email = h("input", { name: "email", type: "email", required: true, autocomplete: "email", maxlength: "254", value: ctx.identity ? ctx.identity.email : null });
      var find = h("button", { class: "btn wide", type: "submit", text: t("findOrder") });
      var lookupErrors = errorBox();
      var lookupForm = h("form", { novalidate: true }, [h("p", { class: "intro", text: t("returnIntro") }), lookupErrors, field(t("orderNumber"), number), field(t("email"), email), find]);

      // Step 2: the items, the reason and the wanted outcome.
      var heading = h("strong", { tabindex: "-1" });
      var lines = h("div");
      var reason = h("select", { name: "reason", required: true });
      REASONS.forEach(function (key) {
        reason.append(h("option", { value: key, text: t("r_" + key) }));
      });
      var outcome = h("select", { name: "outcome" });
      var problem = h("textarea", { name: "comment", rows: "3", maxlength: "4000" });
      var submit = h("button", { class: "btn wide", type: "submit", text: t("startReturn") });
      var pickErrors = errorBox();
      var refusal = h("div", { class: "note", role: "alert", hidden: true });
      var pickForm = h("form", { novalidate: true, hidden: true }, [
        h("div", { class: "ohead" }, [heading]),
        pickErrors,
        h("h3", { text: t("returnLines") }),
        lines,
        field(t("reason"), reason),
        field(t("outcome"), outcome),
        field(t("problem"), problem, t("optional")),
        submit,
        h("p", { style: "margin:12px 0 0" }, [h("button", { class: "link", type: "button", text: t("anotherOrder"), onclick: restart })])
      ]);

      // Step 3: the return.
      var result = h("div", { hidden: true });
      pane.append(lookupForm, refusal, pickForm, result);

      function restart() {
        found = null;
        returnToken = null;
        showRefusal(null);
        showError(lookupErrors, null);
        pickForm.hidden = result.hidden = true;
        lookupForm.hidden = false;
        number.value = "";
        number.focus();
      }
      function money(cents) {
        try {
          return new Intl.NumberFormat(lang === "fr" ? "fr-CA" : "en-CA", { style: "currency", currency: "CAD" }).format(cents / 100);
        } catch (_) {
          return (cents / 100).toFixed(2) + " $";
        }
      }
      // A policy refusal: the API's own words, and a way to reach an agent (a "return" chat).
      function showRefusal(text) {
        refusal.textContent = "";
        refusal.hidden = !text;
        if (!text) return;
        refusal.append(
          h("p", { style: "margin:0 0 10px", text: text }),
          h("button", { class: "btn small", type: "button", text: t("askAgent"), onclick: askAgent })
        );
      }
      function askAgent() {
        var order = found ? found.order_number : number.value.trim();
        chat.prefill({ kind: "return", order_number: order, email: email.value.trim(), body: t("returnChat", { n: order }) });
        select("chat", true);
      }

      lookupForm.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!lookupForm.checkValidity()) {
          (number.validity.valid ? email : number).focus();
          showError(lookupErrors, { message: number.validity.valid ? email.validationMessage : number.validationMessage });
          return;
        }
        showError(lookupErrors, null);
        showRefusal(null);
        busy(find, true);
        request("POST", "/api/v1/returns/lookup", { order_number: number.value.trim(), email: email.value.trim() })
          .then(showOrder, function (err) {
            showError(lookupErrors, err);
          })
          .then(function () {
            busy(find, false);
          });
      });

      function showOrder(order) {
        found = order;
        if (!order.returnable) {
          showRefusal([order.refusal, order.contact_agent].filter(Boolean).join(" "));
          refusal.querySelector("button").focus();
          return;
        }
        heading.textContent = t("orderTitle", { n: order.order_number });
        lines.textContent = "";
        lineInputs = [];
        (order.lines || []).forEach(function (line) {
          var details = [line.size, line.color].filter(Boolean).join(", ");
          var name = line.title + (details ? " — " + details : "");
          var box = h("div", { class: "card", style: "padding:12px;margin:0 0 10px" }, [h("p", { style: "margin:0 0 8px;font-weight:600", text: name })]);
          if (line.quantity_returnable > 0) {
            var qty = h("select", { name: "quantity", "data-sku": line.sku });
            for (var n = 0; n <= line.quantity_returnable; n++) qty.append(h("option", { value: String(n), text: String(n) }));
            if (line.quantity_returnable === 1) qty.value = "1";
            var swap = h("select", { name: "exchange_sku", "data-sku": line.sku });
            (line.exchange_options || []).forEach(function (option) {
              var what = [option.size, option.color].filter(Boolean).join(", ") || option.sku;
              swap.append(h("option", { value: option.sku, disabled: !option.in_stock, text: what + (option.in_stock ? "" : " (" + t("outOfStock") + ")") }));
            });
            var swapField = field(h("span", {}, [t("exchangeFor"), h("span", { class: "sr", text: " : " + name })]), swap);
            swapField.hidden = true;
            box.append(field(h("span", {}, [t("quantity"), h("span", { class: "sr", text: " : " + name })]), qty), swapField);
            lineInputs.push({ sku: line.sku, name: name, qty: qty, swap: swap, swapField: swapField, options: (line.exchange_options || []).length });
          } else if (line.refusal) {
            box.append(h("p", { style: "margin:0;color:#5b6470;font-size:14px", text: line.refusal }));
          }
          lines.append(box);
        });
        outcome.textContent = "";
        (order.outcomes && order.outcomes.length ? order.outcomes : ["refund"]).forEach(function (key) {
          outcome.append(h("option", { value: key, text: S["o_" + key] ? t("o_" + key) : key }));
        });
        if (order.reasons && order.reasons.length) {
          Array.prototype.forEach.call(reason.options, function (option) {
            option.hidden = option.disabled = order.reasons.indexOf(option.value) < 0;
          });
        }
        exchangeFields();
        showError(pickErrors, null);
        lookupForm.hidden = true;
        pickForm.hidden = false;
        announce(t("orderTitle", { n: order.order_number }));
        heading.focus();
      }
      function exchangeFields() {
        lineInputs.forEach(function (item) {
          item.swapField.hidden = outcome.value !== "exchange" || !item.options;
        });
      }
      outcome.addEventListener("change", exchangeFields);

      pickForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = lineInputs.filter(function (item) {
          return +item.qty.value > 0;
        });
        if (!chosen.length) {
          showError(pickErrors, { message: t("pickLine") });
          (lineInputs[0] ? lineInputs[0].qty : submit).focus();
          return;
        }
        showError(pickErrors, null);
        showRefusal(null);
        var payload = {
          order_number: found.order_number,
          email: email.value.trim(),
          language: lang === "fr" ? "fr" : "en",
          reason: reason.value,
          outcome: outcome.value,
          lines: chosen.map(function (item) {
            var line = { sku: item.sku, quantity: +item.qty.value };
            if (outcome.value === "exchange" && item.swap.value) line.exchange_sku = item.swap.value;
            return line;
          })
        };
        if (problem.value.trim()) payload.comment = problem.value.trim();
        chosenOutcome = outcome.value;
        exchangeText = outcome.value !== "exchange" ? "" : chosen.map(function (item) {
          var picked = item.swap.options[item.swap.selectedIndex];
          return item.name + (picked ? " → " + picked.text : "");
        }).join("; ");
        busy(submit, true);
        request("POST", "/api/v1/returns", payload)
          .then(showReturn, function (err) {
            if (err.status === 422) {
              showRefusal(err.message);
              refusal.querySelector("button").focus();
            } else showError(pickErrors, err);
          })
          .then(function () {
            busy(submit, false);
          });
      });

      function showReturn(created) {
        returnToken = created.return_token;
        pickForm.hidden = true;
        problem.value = "";
        render(created);
        announce(t("returnTitle", { r: created.rma }));
        result.querySelector("strong").focus();
      }
      function render(ret) {
        var state = ret.state;
        var label = S["rs_" + state] ? t("rs_" + state) : state;
        var tone = /rejected|cancelled/.test(state) ? " bad" : LABELLED.test(state) ? " delivered" : "";
        var rows = [];
        function row(name, value) {
          if (value) rows.push(h("dt", { text: name }), h("dd", { text: value }));
        }
        row(t("returnOrder"), ret.order_number || (found && found.order_number));
        row(t("returnState"), label);
        // What the customer gets: an exchange gives items, not money.
        var wanted = ret.outcome || chosenOutcome;
        if (wanted === "exchange") row(t("exchangeGives"), exchangeText || t("exchangeSame"));
        else if (ret.estimate_cents != null) row(t(wanted === "store_credit" ? "creditEstimate" : "estimate"), money(ret.estimate_cents));
        if (ret.shipping_fee_cents) row(t("shippingFee"), money(ret.shipping_fee_cents));
        var hasLabel = !!ret.label_url || LABELLED.test(state);
        var href = base + "/api/v1/returns/" + encodeURIComponent(ret.rma) + "/label.pdf?token=" + encodeURIComponent(returnToken || "");
        result.textContent = "";
        result.append(
          h("div", { class: "card", "data-rma": ret.rma }, [
            h("div", { class: "ohead" }, [
              h("strong", { tabindex: "-1", style: "white-space:nowrap", text: t("returnTitle", { r: ret.rma }) }),
              h("span", { class: "status" + tone, "data-status": state, text: label })
            ]),
            h("dl", {}, rows),
            wanted === "exchange" ? h("p", { class: "note", text: t("exchangeNote") }) : null,
            hasLabel
              ? h("p", {}, [h("a", { class: "btn wide", href: href, target: "_blank", rel: "noopener noreferrer" }, [t("label"), icon("out")])])
              : /rejected|cancelled/.test(state) ? null : h("p", { class: "note", text: t("labelLater") }),
            h("p", { class: "intro", text: t("keepToken") }),
            h("p", { style: "margin:0;display:flex;flex-direction:column;gap:10px;align-items:flex-start" }, [
              hasLabel ? null : h("button", { class: "link", type: "button", text: t("refresh"), onclick: function () { refresh(ret.rma); } }),
              h("button", { class: "link", type: "button", text: t("askAgent"), onclick: askAgent }),
              h("button", { class: "link", type: "button", text: t("anotherReturn"), onclick: restart })
            ])
          ])
        );
        result.hidden = false;
      }
      function refresh(rma) {
        request("GET", "/api/v1/returns/" + encodeURIComponent(rma) + "/status?token=" + encodeURIComponent(returnToken || "")).then(
          function (ret) {
            render(ret);
            announce(S["rs_" + ret.state] ? t("rs_" + ret.state) : ret.state);
          },
          function (err) {
            announce(describe(err));
          }
        );
      }
    })();

    // -- 4. chat ---------------------------------------------------------------------------
    var chat = (function () {
      var pane = tabs.chat.pane;
      var token = storage();
      var lastId = 0;
      var seen = {};
      var source = null;
      var retry = 0;
      var unread = 0;
      var typingSent = 0;
      var typingTimer = 0;
      var readTimer = 0;
      var csatScore = null;
      var pendingKind = null; // "return" when the Return tab sent the customer here

      // The first message: who is writing, then the message.
      var startPane = h("div", { class: "pane" });
      var sName = h("input", { name: "name", autocomplete: "name", maxlength: "120" });
      var sEmail = h("input", { name: "email", type: "email", autocomplete: "email", maxlength: "254", value: ctx.identity ? ctx.identity.email : null });
      var sOrder = h("input", { name: "order_number", autocomplete: "off", maxlength: "64", placeholder: t("orderHint") });
      var sBody = h("textarea", { name: "body", required: true, rows: "4", maxlength: "10000", placeholder: t("messageHint"), "data-autofocus": true });
      var sSubmit = h("button", { class: "btn wide", type: "submit" }, [icon("send"), t("start")]);
      var sErrors = errorBox();
      var sIntro = h("p");
      var emailField = field(t("email"), sEmail, t("optional"));
      var messageField = field(t("message"), sBody);
      var orderField = field(t("orderNumber"), sOrder, t("optional"));
      var startForm = h("form", { novalidate: true }, [
        sIntro,
        ctx.identity ? h("p", { class: "intro", text: t("signedIn", { e: ctx.identity.email }) }) : null,
        sErrors,
        messageField,
        field(t("name"), sName, t("optional")),
        ctx.identity ? null : emailField,
        orderField,
        sSubmit
      ]);
      // The bot's answers before any ticket exists: questions, answers, their sources.
      var botLog = h("ol", { class: "bot", role: "log", "aria-live": "polite", "aria-label": t("bot") });
      startPane.append(botLog, startForm);
      // Closed: say so, and ask for the e-mail first (the API refuses an offline chat without).
      function setOnline(online, message) {
        sIntro.className = online ? "intro" : "note";
        sIntro.textContent = online ? t("chatIntro") : message || t("offline");
        sEmail.required = !online;
        emailField.querySelector("small").textContent = " (" + (online ? t("optional") : t("required")) + ")";
        if (!ctx.identity) startForm.insertBefore(emailField, online ? orderField : messageField);
      }
      setOnline(config.online, config.offline_message);

      // The conversation.
      var refLine = h("div", { class: "ref" });
      var log = h("ol", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": t("tabChat") });
      var typing = h("p", { class: "typing", hidden: true, text: t("typing") });
      var input = h("textarea", { rows: "1", placeholder: t("messageHint"), maxlength: "10000", "data-autofocus": true });
      input.id = id("msg");
      var file = h("input", { type: "file", accept: "image/png,image/jpeg,image/gif,image/webp,application/pdf", hidden: true, tabindex: "-1" });
      var attach = h("button", { class: "icon", type: "button", "aria-label": t("attach"), title: t("attach"), onclick: function () { file.click(); } }, [icon("clip")]);
      var sendButton = h("button", { class: "icon send", type: "submit", "aria-label": t("send") }, [icon("send")]);
      var cErrors = h("p", { class: "error cerr", role: "alert", hidden: true });
      var composer = h("form", { class: "composer" }, [h("label", { for: input.id, class: "sr", text: t("message") }), attach, file, input, sendButton]);
      var talk = h("div", { style: "display:flex;flex-direction:column;height:100%;min-height:0" }, [refLine, log, typing, cErrors, composer]);
      pane.append(startPane, talk);

      function layout() {
        startPane.hidden = !!token;
        talk.hidden = !token;
      }
      layout();

      startForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var body = sBody.value.trim();
        var problem = !body ? sBody : !sEmail.checkValidity() ? sEmail : null;
        if (problem) {
          showError(sErrors, { message: problem.validationMessage || t("failed") });
          problem.focus();
          return;
        }
        showError(sErrors, null);
        if (pendingKind !== "return") return ask(body);
        busy(sSubmit, true);
        start({ kind: pendingKind, body: body, name: sName.value.trim(), email: sEmail.value.trim(), order_number: sOrder.value.trim(), search_query_id: help.queryId() })
          .then(
            function () {
              pendingKind = null;
              sBody.value = "";
              input.focus();
            },
            function (err) {
              showError(sErrors, err);
              if (err.status === 400 && sEmail.required) sEmail.focus();
            }
          )
          .then(function () {
            busy(sSubmit, false);
          });
      });

      function chatPayload(fields) {
        var payload = { kind: fields.kind || "chat", language: lang, page_url: location.href.slice(0, 1000), locale: (navigator.language || lang).slice(0, 35) };
        ["body", "name", "email", "order_number", "search_query_id"].forEach(function (key) {
          if (fields[key] != null && fields[key] !== "") payload[key] = fields[key];
        });
        if (ctx.identity) payload.identity = ctx.identity;
        return payload;
      }
      function opened(created) {
        forget();
        token = created.conversation_token;
        storage(token);
        layout();
        return load();
      }
      function start(fields) {
        return request("POST", "/api/v1/widget/conversations", chatPayload(fields)).then(opened);
      }

      // -- the bot answers first; a person takes over on request, or when it cannot answer --
      var bot = { ids: [], questions: [], handing: false };
      function botSay(kids, kind) {
        var item = h("li", { class: "msg " + kind }, kids);
        botLog.append(item);
        if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
        return item;
      }
      function ask(body) {
        busy(sSubmit, true);
        botSay([h("span", { class: "who", text: t("you") }), h("div", { class: "bubble", text: body })], "customer");
        bot.questions.push(body);
        sBody.value = "";
        var wait = botSay([h("div", { class: "bubble", text: t("botThinking") })], "system");
        request("POST", "/api/v1/widget/assist", { query: body, lang: lang })
          .then(
            function (reply) {
              wait.remove();
              if (reply.answer_id) bot.ids.push(reply.answer_id);
              showAnswer(reply);
              if (reply.handoff) handOff(false);
            },
            function (err) {
              wait.remove();
              showError(sErrors, err);
            }
          )
          .then(function () {
            if (!bot.handing) busy(sSubmit, false);
          });
      }
      // The answer is text only; its links come from ``links`` alone, as anchors built here.
      function showAnswer(reply) {
        var text = reply.answer || "";
        var links = reply.links || [];
        links.forEach(function (link) {
          text = text.split(link).join("");
        });
        var kids = [h("span", { class: "who", text: t("bot") }), h("div", { class: "bubble", text: text.trim() })];
        var sources = [];
        links.forEach(function (link, index) {
          var href = safeUrl(link);
          var title = (reply.titles || [])[index] || (reply.citations || [])[index] || href;
          if (href) sources.push(h("li", null, [h("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: title })]));
        });
        if (sources.length) kids.push(h("div", { class: "sources" }, [t("botSources"), h("ul", null, sources)]));
        if (!reply.handoff) kids.push(choices(reply.answer_id));
        botSay(kids, "bot-answer");
      }
      function choices(answerId) {
        var row = h("div", { class: "choices" });
        row.append(
          h("button", { class: "btn ghost small", type: "button", "data-bot": "answered", text: t("botAnswered"), onclick: function () {
            row.querySelectorAll("button").forEach(function (button) {
              button.disabled = true;
            });
            request("POST", "/api/v1/widget/assist/feedback", { answer_id: answerId, helpful: true }).catch(function () {});
            row.textContent = "";
            row.append(h("p", { class: "intro", role: "status", text: t("botGlad") }));
            sBody.focus();
          } }),
          h("button", { class: "btn small", type: "button", "data-bot": "person", text: t("botPerson"), onclick: function () {
            handOff(true);
          } })
        );
        return row;
      }
      function handOff(asked) {
        if (bot.handing) return;
        if (!sEmail.checkValidity() || (sEmail.required && !sEmail.value.trim())) {
          showError(sErrors, { message: sEmail.validationMessage || t("offline") });
          sEmail.focus();
          botSay([choicesPersonOnly(asked)], "system");
          return;
        }
        bot.handing = true;
        busy(sSubmit, true);
        var wait = botSay([h("div", { class: "bubble", text: t("botHandingOff") })], "system");
        var chatFields = chatPayload({ kind: "chat", body: bot.questions.join("\n") || t("botPerson"), name: sName.value.trim(), email: sEmail.value.trim(), order_number: sOrder.value.trim(), search_query_id: help.queryId() });
        request("POST", "/api/v1/widget/assist/handoff", { chat: chatFields, answer_ids: bot.ids, asked: !!asked })
          .then(
            function (created) {
              bot.ids = [];
              bot.questions = [];
              botLog.textContent = "";
              return opened(created).then(function () {
                note(t("botHandedOff"));
                input.focus();
              });
            },
            function (err) {
              wait.remove();
              showError(sErrors, err);
              botSay([choicesPersonOnly(asked)], "system");
            }
          )
          .then(function () {
            bot.handing = false;
            busy(sSubmit, false);
          });
      }
      // After a failed hand-off (offline without an e-mail, network): try again from here.
      function choicesPersonOnly(asked) {
        return h("button", { class: "btn small", type: "button", "data-bot": "person", text: t("botPerson"), onclick: function (event) {
          event.currentTarget.closest("li").remove();
          handOff(asked);
        } });
      }

      function load() {
        if (!token) return Promise.resolve();
        return request("GET", "/api/v1/conversations/" + encodeURIComponent(token)).then(
          function (conversation) {
            refLine.textContent = "";
            refLine.append(
              h("span", { text: t("ticket", { r: conversation.ticket_ref }) }),
              h("button", { class: "link", type: "button", text: t("newChat"), onclick: function () { forget(); storage(null); layout(); focusFirst(startPane); } })
            );
            (conversation.messages || []).forEach(function (message) {
              add(message, true);
            });
            csatScore = conversation.csat_score == null ? null : conversation.csat_score;
            surveys();
            if (/solved|closed/.test(conversation.status || "")) note(t("closedNote"));
            typing.hidden = !conversation.agent_typing;
            connect();
            markRead();
          },
          function (err) {
            if (err.status === 404 || err.status === 403) {
              forget();
              storage(null);
              layout();
            }
            throw err;
          }
        );
      }
      // The satisfaction survey the server posts when a ticket is solved ("label : link" lines)
      // becomes one-click buttons that rate through the API instead of opening a page.
      function parseSurvey(text) {
        var lines = text.split("\n").filter(function (line) {
          return line.trim();
        });
        var options = [];
        lines.slice(1).forEach(function (line) {
          var match = /^(.+?)\s*:\s*https?:\/\/\S+\/csat\/\S+\?score=([1-5])\s*$/.exec(line);
          if (match) options.push({ label: match[1].trim(), score: +match[2] });
        });
        return options.length === 5 && options.length === lines.length - 1 ? { question: lines[0], options: options } : null;
      }
      function surveyCard(survey) {
        var row = h("div", { class: "scores", role: "group", "aria-label": survey.question });
        survey.options.forEach(function (option) {
          row.append(h("button", { class: "score", type: "button", "data-score": option.score, "aria-label": option.label, title: option.label, text: String(option.score), onclick: function () { rate(option.score, row); } }));
        });
        var strip = function (label) {
          return label.replace(/^\d\s*[–-]\s*/, "");
        };
        return h("div", { class: "survey" }, [
          h("p", { text: survey.question }),
          row,
          h("div", { class: "ends", "aria-hidden": "true" }, [h("span", { text: strip(survey.options[0].label) }), h("span", { text: strip(survey.options[4].label) })]),
          h("p", { class: "done", hidden: true, role: "status" })
        ]);
      }
      function surveys() {
        log.querySelectorAll(".survey").forEach(function (card) {
          var done = card.querySelector(".done");
          done.hidden = csatScore == null;
          done.textContent = csatScore == null ? "" : t("rated", { n: csatScore });
          card.querySelector(".scores").hidden = card.querySelector(".ends").hidden = csatScore != null;
        });
      }
      function rate(score, row) {
        row.querySelectorAll("button").forEach(function (button) {
          button.disabled = true;
        });
        request("POST", "/api/v1/conversations/" + encodeURIComponent(token) + "/csat", { score: score }).then(
          function () {
            csatScore = score;
            surveys();
          },
          function (err) {
            row.querySelectorAll("button").forEach(function (button) {
              button.disabled = false;
            });
            showError(cErrors, err);
          }
        );
      }

      function forget() {
        if (source) source.close();
        source = null;
        token = null;
        csatScore = null;
        lastId = 0;
        seen = {};
        log.textContent = "";
        unread = 0;
        ctx.setUnread(0);
      }

      function add(message, old) {
        if (!message || seen[message.id]) return;
        var survey = message.author === "system" && parseSurvey(message.body_text || "");
        seen[message.id] = 1;
        lastId = Math.max(lastId, message.id || 0);
        var who = message.author === "customer" ? t("you") : message.author === "agent" ? message.author_name || t("agent", { s: store }) : null;
        var item = h("li", { class: "msg " + message.author, "data-id": message.id }, [
          who ? h("span", { class: "who", text: who }) : null,
          survey ? surveyCard(survey) : h("div", { class: "bubble" }, linkify(message.body_text || "")),
          h("time", { datetime: message.created_at, text: date(message.created_at, true) })
        ]);
        var after = Array.prototype.filter.call(log.children, function (li) {
          return +li.getAttribute("data-id") > message.id;
        })[0];
        log.insertBefore(item, after || null);
        if (survey) surveys();
        log.scrollTop = log.scrollHeight;
        if (message.author === "agent") {
          typing.hidden = true;
          if (!old && !visible()) {
            unread += 1;
            ctx.setUnread(unread);
          }
          markRead();
        }
      }
      function note(text) {
        log.append(h("li", { class: "msg system" }, [h("div", { class: "bubble", text: text })]));
        log.scrollTop = log.scrollHeight;
      }
      // Plain text with its web addresses made into links; never parsed as HTML.
      function linkify(text) {
        var parts = [];
        var pattern = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
        var at = 0;
        var match;
        while ((match = pattern.exec(text))) {
          parts.push(text.slice(at, match.index));
          parts.push(h("a", { href: match[0], target: "_blank", rel: "noopener noreferrer nofollow", text: match[0] }));
          at = match.index + match[0].length;
        }
        parts.push(text.slice(at));
        return parts;
      }

      function connect() {
        if (!token || !w.EventSource) return;
        if (source) source.close();
        var stream = new EventSource(base + "/api/v1/conversations/" + encodeURIComponent(token) + "/stream?after=" + lastId);
        source = stream;
        stream.addEventListener("open", function () {
          retry = 0;
        });
        stream.addEventListener("message", function (event) {
          try {
            add(JSON.parse(event.data));
          } catch (_) {
            /* not a message */
          }
        });
        stream.addEventListener("typing", function (event) {
          try {
            typing.hidden = !JSON.parse(event.data).agent_typing;
          } catch (_) {
            /* ignore */
          }
        });
        stream.addEventListener("error", function () {
          // Let the browser retry; when it gives up, reconnect ourselves after a pause.
          if (stream.readyState === 2 && source === stream) {
            source = null;
            retry = Math.min(retry + 1, 6);
            setTimeout(function () {
              if (!source && token) connect();
            }, 1000 * Math.pow(2, retry));
          }
        });
      }

      function visible() {
        return !panel.hidden && current === "chat" && d.visibilityState !== "hidden";
      }
      function markRead() {
        if (!token || !visible()) return;
        unread = 0;
        ctx.setUnread(0);
        clearTimeout(readTimer);
        readTimer = setTimeout(function () {
          if (token) request("POST", "/api/v1/conversations/" + encodeURIComponent(token) + "/read").catch(function () {});
        }, 400);
      }
      d.addEventListener("visibilitychange", markRead);

      function sendTyping(on) {
        if (!token) return;
        request("POST", "/api/v1/conversations/" + encodeURIComponent(token) + "/typing", { typing: on }).catch(function () {});
      }
      input.addEventListener("input", function () {
        var now = Date.now();
        if (input.value.trim() && now - typingSent > 3000) {
          typingSent = now;
          sendTyping(true);
        }
        clearTimeout(typingTimer);
        typingTimer = setTimeout(stopTyping, 4000);
        input.style.height = "auto";
        input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
      });
      function stopTyping() {
        clearTimeout(typingTimer);
        if (typingSent) {
          typingSent = 0;
          sendTyping(false);
        }
      }
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          composer.requestSubmit ? composer.requestSubmit() : send();
        }
      });
      composer.addEventListener("submit", function (event) {
        event.preventDefault();
        send();
      });
      function send() {
        var body = input.value.trim();
        if (!body || !token || sendButton.disabled) return;
        busy(sendButton, true);
        showError(cErrors, null);
        stopTyping();
        request("POST", "/api/v1/conversations/" + encodeURIComponent(token) + "/messages", { body: body })
          .then(
            function (message) {
              input.value = "";
              input.style.height = "";
              add(message);
            },
            function (err) {
              showError(cErrors, err);
            }
          )
          .then(function () {
            busy(sendButton, false);
            input.focus();
          });
      }
      file.addEventListener("change", function () {
        var chosen = file.files && file.files[0];
        file.value = "";
        if (!chosen || !token) return;
        var form = new FormData();
        form.append("data", chosen, chosen.name);
        showError(cErrors, null);
        busy(attach, true);
        request("POST", "/api/v1/conversations/" + encodeURIComponent(token) + "/attachments", undefined, form)
          .then(
            function (saved) {
              note(t("sent", { f: saved.filename || chosen.name }));
              announce(t("sent", { f: saved.filename || chosen.name }));
            },
            function (err) {
              showError(cErrors, err);
            }
          )
          .then(function () {
            busy(attach, false);
          });
      });

      if (token) load().catch(function () {});
      return {
        start: start,
        hasToken: function () {
          return !!token;
        },
        shown: markRead,
        setOnline: setOnline,
        stopTyping: stopTyping,
        prefill: function (values) {
          if (values.kind) pendingKind = values.kind;
          if (token) {
            if (values.order_number && !input.value) input.value = values.order_number + " : ";
            return;
          }
          if (values.body != null && !sBody.value) sBody.value = values.body;
          if (values.order_number) sOrder.value = values.order_number;
          if (values.email && !sEmail.value) sEmail.value = values.email;
        }
      };
    })();

    select(chat.hasToken() ? "chat" : "help", false);
    showPresence(config);

    function showPresence(fresh) {
      presence.textContent = "";
      presence.append(h("span", { class: "dot" + (fresh.online ? " on" : ""), "aria-hidden": "true" }), fresh.online ? t("online") : t("offline"));
      chat.setOnline(fresh.online, fresh.offline_message);
    }
    var opened = 0;

    return {
      open: function () {
        panel.hidden = false;
        focusFirst(tabs[current].pane);
        if (current === "chat") chat.shown();
        // Someone may have come online (or left) since the page loaded.
        if (opened++) ctx.reloadConfig().then(function (fresh) {
          if (fresh) showPresence(fresh);
        });
      },
      close: function () {
        panel.hidden = true;
        chat.stopTyping();
      }
    };
  });
})(window, document);
