"""English texts of the demo, with the same keys and slots as ``texts_fr``."""

from __future__ import annotations

CUSTOMER: dict[str, tuple[str, ...]] = {
    "order_status/not_shipped": (
        "I placed order {order} {days} days ago and it still hasn't shipped. Is that normal?",
        'My order {order} has said "processing" for {days} days now. When will it go out?',
        "Can you tell me when my order will ship? It's {order}. I need it for a trip next weekend.",
        "Still waiting on the shipping confirmation for order {order}. I ordered {my_product} "
        "{days} days ago.",
        "Has my order {order} left the warehouse yet? I never got a tracking number.",
        "Just checking on order {order}. Paid on {date} and haven't heard anything since.",
    ),
    "order_status/in_transit": (
        "My package was supposed to arrive {days} days ago but the {carrier} tracking hasn't "
        "moved. Order {order}.",
        'Where is my order {order}? Tracking just says "in transit" for days.',
        "Haven't received order {order} yet. Tracking number {tracking} shows nothing new in "
        "{days} days.",
        "I'm in {city} and I've been waiting for {my_product} for over a week. Is it normal "
        "for {carrier} to take this long?",
        "Order {order} was supposed to be here before the weekend. Can you check with "
        "{carrier} please?",
        "Starting to worry, order {order} still hasn't shown up. Is there a problem with the "
        "delivery?",
        "Hi, when will my order arrive? {order}. The tracking link doesn't even work.",
    ),
    "delivery_problem/not_received": (
        "{carrier} tracking says order {order} was delivered yesterday but I got nothing. I "
        "checked everywhere, asked the neighbours too.",
        "My order shows as delivered but there's no package at my door. Order {order}, I live "
        "in {city}.",
        "Never received my parcel even though tracking says delivered. Order {order}. I think "
        "it was stolen off my porch.",
        "Where did the driver leave my package? Status says delivered on {date} but nothing "
        "here. {address}, {city}.",
        "Tracking {tracking} says delivered but I never got it.",
    ),
    "delivery_problem/damaged": (
        "My package arrived completely crushed, the box was torn and everything inside is wet. "
        "Order {order}.",
        "The box for order {order} was smashed when {carrier} delivered it. The bag inside was "
        "open.",
        "Got order {order} but the packaging was badly damaged and {the_product} is dirty. I "
        "can send photos.",
        "Parcel showed up ripped open and soaked. Not keeping it like that. Order {order}.",
    ),
    "delivery_problem/stuck": (
        "My package has been stuck at the {carrier} sorting centre for {days} days. Order "
        "{order}, tracking {tracking}.",
        'Tracking has said "delivery exception" for {days} days on order {order}. What\'s '
        "going on?",
        "I think my package is lost. No tracking update on {tracking} since {date}.",
        "{carrier} says they couldn't deliver my package but I was home all day! Order {order}.",
    ),
    "delivery_problem/rts": (
        "Tracking says my package was returned to sender?? Order {order}. I never got it.",
        "Looks like order {order} went back to you. Can you send it again?",
        "{carrier} sent my parcel back without even trying to deliver. What do I do now? "
        "Order {order}.",
    ),
    "return_request/exchange": (
        "I ordered {the_product} in {size} but it's too small. Can I exchange it for a "
        "{other_size}? Order {order}.",
        "Size {size} doesn't fit me for {the_product}, too tight in the shoulders. I'd like to "
        "swap for {other_size}.",
        "Is it possible to exchange {my_product} for another size? I went with {size} and "
        "should have picked {other_size}.",
        "I'd like a size exchange on order {order} ({size} for {other_size}). How do I do that?",
        "My son tried on {the_product} and it's too big. We'd like size {other_size} instead.",
        "Exchange please: {product} size {size} to {other_size}. Never worn, tags still on.",
    ),
    "return_request/refund": (
        "I'd like to return {my_product} from order {order}. The {color} doesn't look like the "
        "photos.",
        "How do I return an item? It just doesn't work for me. Order {order}.",
        "Could I get a return label for order {order}? I want a refund for {the_product}.",
        "Is it too late to return {my_product}? Order received on {date}.",
        "I want to return my whole order {order}, it was a gift and it doesn't fit. Are returns "
        "free?",
    ),
    "refund_status/waiting": (
        "I returned {my_product} two weeks ago and still haven't been refunded. Order {order}.",
        "Tracking shows you received my return on {date}. When will I get my refund?",
        "Still no refund on my card for order {order}. You've had the package for {days} days.",
        "Wondering where my refund of {amount} is. I sent the parcel back with the label you "
        "gave me.",
        "Has my return been processed? Order {order}, haven't heard anything.",
    ),
    "refund_status/wrong_amount": (
        "I got a refund but only {amount}, I think the taxes are missing. Order {order}.",
        "The refund amount is wrong. I paid more than that for {the_product}. Can you check "
        "order {order}?",
        "You refunded {amount} but not the shipping, even though the mistake was yours.",
    ),
    "wrong_item/wrong_size": (
        "I ordered {the_product} in {size} and received a {other_size}. Order {order}.",
        "Mistake in order {order}: the tag says {size} but it's clearly a {other_size}.",
        "Wrong size received. I picked {size}, the box has a {other_size}. Order {order}.",
        "Just opened my package and {the_product} is a {other_size} instead of {size}. What "
        "should I do? Order {order}.",
        "You sent the wrong size: ordered {size}, got {other_size}. It's for a trip next week, "
        "kind of urgent.",
    ),
    "wrong_item/wrong_color": (
        "I ordered {the_product} in {color} and got {other_color}. Order {order}.",
        "Wrong colour in order {order}, I wanted {color} not {other_color}.",
        "That's not the colour I ordered! Got {other_color} instead of {color}.",
    ),
    "wrong_item/missing_item": (
        "An item is missing from my package: {other_product}. The rest of order {order} is fine.",
        "I only got part of order {order}, {other_product} isn't in the box.",
        "The packing slip lists {other_product} but it's not in the parcel. Order {order}.",
    ),
    "wrong_item/wrong_product": (
        "I received {other_product} instead of {the_product}! Order {order}.",
        "This isn't my order, I got {other_product} but I ordered the {product}.",
        "Shipping mistake: my box had {other_product}, not what I ordered. Order {order}.",
    ),
    "defective_product/defect": (
        "I've had {my_product} for {days} days and {defect} already. Not great for the price.",
        "{Defect}. It's {my_product} from order {order}. Is that covered by the warranty?",
        "Defective product: {defect}. Order {order}, I'd like a replacement.",
        "Really disappointed with {my_product}, {defect} after only a few outings.",
        "Do you replace defective items? {Defect}. I have photos if you need them.",
    ),
    "address_change/before_ship": (
        "I entered the wrong address on order {order}. Can you change it before it ships? The "
        "right one is {new_address}.",
        "I'm moving next week, could you send order {order} to my new address: {new_address}?",
        "Oops, I used my old address on order {order}. The correct one is {new_address}.",
    ),
    "address_change/wrong_postal": (
        "I made a mistake in my postal code ({postal}), the right one is {new_postal}. Order "
        "{order}.",
        "The postal code on order {order} is wrong, it's {new_postal} not {postal}. Will it "
        "still arrive?",
        "{carrier} says the address is invalid for order {order}. I think it's the postal "
        "code, the right one is {new_postal}.",
    ),
    "address_change/missing_apt": (
        "I forgot to add my apartment number on order {order}! It's unit {apt} at {address}.",
        "{carrier} couldn't deliver because the unit number is missing. Order {order}, it's {apt}.",
        "The driver can't find my place, I forgot apartment {apt} in the address. Can you add "
        "it? Order {order}.",
    ),
    "order_change/cancel": (
        "I'd like to cancel my order {order} please, I placed it by mistake.",
        "Is it possible to cancel order {order}? Found it elsewhere.",
        "Please cancel order {order}, I ordered the same thing twice.",
        "Can you cancel my order {order} before it ships? Thanks!",
    ),
    "order_change/modify": (
        "I just ordered {the_product} in {size} but I'd rather have {other_size}. Can you "
        "change order {order}?",
        "Could you switch the colour to {other_color} on order {order}? I don't think it has "
        "shipped yet.",
        "I'd like to add {other_product} to order {order} to save on shipping.",
    ),
    "product_question/sizing": (
        "I'm 5'8\" and usually wear a {size}. What size would you recommend for {the_product}?",
        "Do sizes run big or small for {the_product}? Torn between {size} and {other_size}.",
        "For {the_product}, can I fit a thick sweater underneath if I get a {size}?",
        "Do you have a size chart for {the_product}? I'm between two sizes.",
    ),
    "product_question/restock": (
        "Any chance {the_product} in {size} {color} comes back in stock soon?",
        "When are you getting more of the {product}? Sold out in {size}.",
        "I wanted {the_product} in {color} but it says sold out. Any restock date?",
        "Will you have {the_product} in {size} before Christmas? It's a gift.",
    ),
    "product_question/material": (
        "How warm is {the_product}? Need something for -30, going snowmobiling up north.",
        "What's the material of {the_product}? I'm allergic to wool.",
        "Quick question about {the_product}: is it waterproof?",
        "Can {the_product} go in the washing machine?",
        "Do you ship to the US? I'd like to send {the_product} to my sister as a gift.",
    ),
    "billing/double_charge": (
        "I was charged twice for order {order}! Two transactions of {amount} on my card.",
        "My credit card shows two payments for the same order ({order}). Can you refund the "
        "duplicate?",
        "I see two charges of {amount} on my statement. Please refund the second one.",
    ),
    "billing/promo": (
        "I forgot to enter my promo code {code} on order {order}. Can you still apply it?",
        'Code {code} doesn\'t work at checkout, it says "invalid code".',
        "My discount code {code} wasn't applied to order {order}. I should have gotten the "
        "discount.",
    ),
    "billing/invoice": (
        "Could you send me an invoice with your GST and QST numbers for order {order}? It's for "
        "my business.",
        "I need a receipt for order {order}, never got it by email.",
        "Why was I charged GST and QST on shipping? Order {order}.",
    ),
    "billing/declined": (
        "My card keeps getting declined when I try to pay, but it works everywhere else.",
        "Payment declined on your site, tried both Visa and Mastercard. Can I pay with PayPal?",
        "Payment won't go through, I get an error. I want to order {the_product}.",
    ),
    "other/compliment": (
        "Just wanted to say thank you! Got {my_product} and it's perfect, super warm. Great job!",
        "Amazing service, fast shipping and quality product. Will recommend Nordet to my friends.",
        "Thanks for the handwritten note in the package, made my day!",
    ),
    "other/partnership": (
        "I'm an outdoor content creator in Ontario (30k followers). Would you be interested in "
        "a collaboration?",
        "Our shop in {city} would love to carry your products. Do you have a wholesale program?",
    ),
    "other/job": (
        "Are you hiring for the holidays at the Saint-Hyacinthe warehouse?",
        "I'd like to apply for a customer service job. Who should I send my resume to?",
    ),
    "other/feedback": (
        "Suggestion: it would be great to have {the_product} in XXL too.",
        "Your site is hard to use on mobile, the checkout button doesn't show up.",
        "Why don't you sell kids' mittens? I'd buy some.",
    ),
}

SUBJECT: dict[str, tuple[str, ...]] = {
    "order_status": (
        "Order {order}",
        "Where is my order?",
        "Tracking for order {order}",
        "Order not received yet",
        "Question about my order {order}",
    ),
    "delivery_problem": ("Delivery problem - order {order}",),
    "delivery_problem/not_received": ("Package not received", "Delivered but not received"),
    "delivery_problem/damaged": ("Damaged package", "Parcel arrived damaged"),
    "delivery_problem/stuck": ("Package stuck", "Lost package?"),
    "delivery_problem/rts": ("Returned to sender", "Package returned to sender?"),
    "return_request/exchange": ("Size exchange", "Exchange - order {order}"),
    "return_request/refund": ("Return", "Return request - {order}", "Return label"),
    "refund_status": ("Refund", "Where is my refund?", "Refund for order {order}"),
    "wrong_item": ("Wrong item received", "Mistake in my order {order}"),
    "wrong_item/wrong_size": ("Wrong size", "Wrong size received - {order}"),
    "wrong_item/missing_item": ("Missing item", "Item missing - {order}"),
    "defective_product": ("Defective product", "Warranty", "Problem with {my_product}"),
    "address_change": ("Wrong address - {order}", "Shipping address"),
    "address_change/before_ship": ("Change of address", "New address - {order}"),
    "address_change/wrong_postal": ("Wrong postal code",),
    "address_change/missing_apt": ("Missing apartment number", "Incomplete address"),
    "order_change/cancel": ("Cancel my order", "Cancellation {order}"),
    "order_change/modify": ("Change my order {order}", "Change before shipping"),
    "product_question": ("Question about {the_product}", "Product question"),
    "product_question/sizing": ("Sizing", "Which size?"),
    "product_question/restock": ("Availability", "Back in stock?"),
    "billing/double_charge": ("Billing", "Charged twice"),
    "billing/promo": ("Promo code", "Discount not applied - {order}"),
    "billing/invoice": ("Invoice for order {order}", "Receipt"),
    "billing/declined": ("Payment declined", "Can't pay"),
    "other/compliment": ("Thank you!", "Great service"),
    "other/partnership": ("Collaboration", "Partnership"),
    "other/job": ("Job application", "Jobs"),
    "other/feedback": ("Suggestion", "Feedback"),
}

AMAZON_SUBJECT = "Inquiry from Amazon customer (Order: {mkt_id})"
ETSY_SUBJECT = "Help with order #{mkt_id}"
NO_SUBJECT = "(no subject)"

GREETINGS_LONG = ("Hi,", "Hello,", "Hi there,", "Hey,", "Good morning,", "Hello Nordet team,", "")
GREETINGS_SHORT = ("", "", "hi!", "Hi!", "Hello!", "Hey!")
SIGNOFFS_LONG = (
    "Thanks,\n{first}",
    "Thank you,\n{full}",
    "Cheers,\n{first}",
    "Best,\n{full}",
    "Regards,\n{full}",
    "Thanks in advance!\n{first}",
)
SIGNOFFS_SHORT = ("", "", "thanks", "Thanks!", "thx", "thank you")

CUSTOMER_INFO: dict[str, tuple[str, ...]] = {
    "order_status": ("My postal code is {postal}. Thanks for checking!", "It's {postal}."),
    "delivery_problem": (
        "Checked with the neighbours, nobody saw it. Nothing in the mailbox either.",
    ),
    "delivery_problem/damaged": ("Here are photos of the packaging. You can see it was crushed.",),
    "delivery_problem/stuck": ("It's {address}, {city} {new_postal}.",),
    "delivery_problem/rts": ("Yes, it's {address}, {city}. Please send it again!",),
    "return_request": ("I'd like {other_size}. Never worn, tags are still on.",),
    "refund_status": ("Card ending in {last4}, return dropped off on {date}.",),
    "wrong_item": ("Photo attached. Please hurry, it was a gift.",),
    "defective_product": ("Here are the photos. You can see the defect clearly.",),
    "address_change": ("It's {address}, unit {apt}, {city} {new_postal}.",),
    "order_change/modify": ("Just the size, {other_size} instead please.",),
    "order_change/cancel": ("Yes, the whole order please.",),
    "return_request/refund": ("Never worn, tags are still on.",),
    "wrong_item/wrong_size": ("Here's a photo of the label, it clearly says {other_size}.",),
    "product_question/restock": ("Yes please, let me know. I can wait a few weeks.",),
    "billing/invoice": ("To Lavoie Construction Inc., thanks.",),
    "billing/promo": ("It was in last week's newsletter.",),
    "product_question": ("I usually wear a {size}, mostly for walking around the city.",),
    "billing": ("Here's the screenshot of my statement.",),
    "other": ("Sure, I'll email you the details.",),
}

REOPENED = (  # the customer writes back after the ticket was solved
    "Hi again, sorry but this still isn't sorted on my end. Could you check again?",
    "Hello, I thought this was fixed but the problem is back.",
    "Following up: nothing has changed on my side yet.",
    "Hi, sorry to bother you again but it's still not working.",
    "still nothing on my end, can someone look again?",
)

THANKS = (
    "Thanks so much!",
    "Perfect, thank you!",
    "Great, thanks for the quick answer",
    "ok thanks",
    "Awesome, thanks {agent}!",
    "Much appreciated",
)

AGENT_GREETINGS = ("Hi {first},", "Hello {first},", "Hi {first},", "Hello,")
AGENT_GREETINGS_CHAT = ("Hi {first}!", "Hello {first}!", "Hi there!")
AGENT_OPENERS = (
    "Thanks for reaching out.",
    "Thank you for your message.",
    "Thanks for your patience.",
    "Thanks for getting in touch.",
    "",
)
AGENT_CLOSERS = (
    "Let us know if you have any other questions.",
    "Have a great day!",
    "Happy to help anytime.",
    "We're here if you need anything else.",
    "Stay warm!",
)
SIGNATURE = "{agent}\nNordet Customer Care"
AFTER_HOLD_OPENER = "Thanks for your patience, I have an update."
REOPEN_OPENER = "Sorry this isn't sorted yet, I'm picking your file back up."

AGENT_RESOLVE: dict[str, tuple[str, ...]] = {
    "order_status/not_shipped": (
        "Your order {order} is being prepared at our warehouse and will ship within 24 to 48 "
        "hours. You'll get the tracking number by email as soon as it leaves.",
        "Good news: your order {order} has been packed and will be handed to the carrier "
        "today. The tracking link will follow by email.",
        "We had a preparation delay this week because of the volume, sorry about that. Your "
        "order {order} has been prioritized and ships today.",
    ),
    "order_status/in_transit": (
        "Your package is on its way with {carrier}. The tracking number is {tracking} and you "
        "can follow it here: {url}",
        "I checked with {carrier}: your parcel is at the sorting centre in your area and should "
        "be delivered within 1 to 2 business days. Tracking: {url}",
        "The carrier has been running behind this week, sorry for the wait. Your order {order} "
        "is still in transit, here is the tracking link: {url}",
    ),
    "delivery_problem/not_received": (
        "We're sorry your package didn't arrive. We've opened an investigation with {carrier} "
        "and, in the meantime, we're reshipping order {order} at no charge. You'll get the new "
        "tracking number by email.",
        "Sometimes drivers leave parcels at a back door or with a neighbour. Since it still "
        "can't be found, we're sending a replacement today.",
    ),
    "delivery_problem/damaged": (
        "So sorry about the state of that parcel! We're sending a free replacement and you "
        "don't need to return the damaged item.",
        "Thanks for the photos. We've filed a claim with {carrier} and a new package for order "
        "{order} ships today.",
    ),
    "delivery_problem/stuck": (
        "I contacted {carrier}: your package was held at the sorting centre and is moving "
        "again. Tracking: {url}",
        "It looks like {carrier} lost the package. We're reshipping order {order} today with "
        "priority, free of charge.",
    ),
    "delivery_problem/rts": (
        "Your package came back to us because {carrier} couldn't deliver it. We're reshipping "
        "it today; you'll get the new tracking by email.",
    ),
    "return_request/exchange": (
        "No problem for the exchange! Here's your prepaid return label: {return_url}. As soon "
        "as the parcel is scanned, we'll ship size {other_size}.",
        "I've set up an exchange for size {other_size}. Print the label here: {return_url} and "
        "drop the parcel at any post office.",
    ),
    "return_request/refund": (
        "You can return items within 30 days of delivery. Here's your return label: "
        "{return_url}. The refund goes back to your original payment method 5 to 10 business "
        "days after we receive it.",
        "Returns are free within Canada. Your prepaid label is here: {return_url}. Please make "
        "sure the tags are still attached.",
    ),
    "refund_status/waiting": (
        "Your return was received and the refund of {amount} was issued today. Depending on "
        "your bank it can take 3 to 5 business days to show on your statement.",
        "Sorry for the delay, our warehouse received a lot of returns this month. Your refund "
        "of {amount} has just been processed.",
    ),
    "refund_status/wrong_amount": (
        "You're right, the taxes weren't included. I've just refunded the difference; you'll "
        "get a confirmation by email.",
    ),
    "wrong_item/wrong_size": (
        "So sorry for the mix-up! We're sending {the_product} in {size} today. Here's a prepaid "
        "label to send back the one you received by mistake: {return_url}",
        "Apologies for the wrong size. The right one ({size}) ships today with priority "
        "shipping; use this label for the other one: {return_url}",
    ),
    "wrong_item/wrong_color": (
        "Our apologies! We're sending {the_product} in {color} today. Send the other one back "
        "with this prepaid label: {return_url}",
    ),
    "wrong_item/missing_item": (
        "Sorry we missed that! The missing item ({other_product}) ships today at no charge.",
    ),
    "wrong_item/wrong_product": (
        "Sorry for the packing error. We're sending {the_product} today. Here's the label to "
        "return the other item: {return_url}",
    ),
    "defective_product/defect": (
        "We're sorry about this. The item is covered by our one-year warranty: a replacement "
        "ships today and you don't need to send the defective one back.",
        "Thanks for the photos. That's clearly a manufacturing defect; we can replace it or "
        "refund it in full, your choice.",
    ),
    "address_change/before_ship": (
        "Done! The shipping address on order {order} has been updated to {new_address}.",
        "Your order hadn't shipped yet, so I was able to change the address to {new_address}.",
    ),
    "address_change/wrong_postal": (
        "I corrected the postal code to {new_postal} and notified {carrier}. The parcel should "
        "be delivered within 2 to 3 business days.",
    ),
    "address_change/missing_apt": (
        "Thanks! I added unit {apt} to the address and asked {carrier} to attempt delivery again.",
    ),
    "order_change/cancel": (
        "Your order {order} has been cancelled and {amount} will be refunded to your card "
        "within 3 to 5 business days.",
        "All cancelled! You'll see the {amount} refund on your statement in a few days.",
    ),
    "order_change/modify": (
        "Done, the change was made to order {order} before shipping. You'll get tracking by email.",
    ),
    "product_question/sizing": (
        "For {the_product}, sizing is true to size. If you often wear a thick layer "
        "underneath, go one size up. Our size guide: https://nordet.example/en/size-guide",
        "For {the_product} we recommend your usual size; between two sizes, take the larger "
        "one. Size exchanges are free.",
    ),
    "product_question/restock": (
        'A new shipment is expected within 2 to 3 weeks. Click "Notify me" on the product '
        "page to get an email as soon as it's back.",
        "We're expecting a delivery from our supplier at the end of the month. I've signed you "
        "up for the back-in-stock alert.",
    ),
    "product_question/material": (
        'All the details on materials and care are on the product page, under "Details". In '
        "short: cold wash, dry flat.",
        "Our winter gear is tested down to -30 °C when active. For snowmobiling we recommend "
        "adding a thermal layer underneath.",
    ),
    "billing/double_charge": (
        "That's a pre-authorization from your bank: only one of the two amounts will be "
        "captured and the other will disappear within 3 to 5 business days.",
        "You're right, the payment was captured twice. I've refunded the duplicate {amount}.",
    ),
    "billing/promo": (
        "I applied the {code} discount to order {order}; the difference of {amount} will be "
        "refunded to your card.",
    ),
    "billing/invoice": (
        "Please find your invoice attached. Our tax numbers: GST 812345678 RT0001, QST "
        "1223456789 TQ0001.",
        "I've resent the receipt for order {order} by email. Please check your spam folder.",
    ),
    "billing/declined": (
        "We accept Visa, Mastercard, Amex, PayPal and Apple Pay. Declines often come from "
        "address verification: the billing address must match your card statement exactly.",
    ),
    "other/compliment": (
        "Thank you so much for your kind words, I'll share them with the whole team!",
    ),
    "other/partnership": (
        "Thanks for your interest! I've passed your request on to our marketing team, who will "
        "get back to you within a few days.",
    ),
    "other/job": (
        "Thanks for your interest in Nordet! Our job postings are at "
        "https://nordet.example/en/careers; you can send your resume to jobs@nordet.example.",
    ),
    "other/feedback": ("Thanks for the suggestion, I'll pass it on to our product team.",),
}

AGENT_ASK: dict[str, tuple[str, ...]] = {
    "order_status": ("Could you confirm your postal code so I can check tracking with {carrier}?",),
    "delivery_problem": (
        "Could you check with your neighbours and in your mailbox? If the parcel arrived "
        "damaged, a photo of the packaging would help.",
    ),
    "return_request": (
        "Could you confirm the size you'd like and that the item hasn't been worn?",
    ),
    "delivery_problem/damaged": (
        "Could you send us a photo of the box and the item? We'll use it for the claim with "
        "{carrier}.",
    ),
    "delivery_problem/stuck": (
        "Could you confirm your full address? I'll open a trace with {carrier}.",
    ),
    "delivery_problem/rts": ("Could you confirm your address before we reship the parcel?",),
    "refund_status": (
        "Could you confirm the last 4 digits of the card you used and the date of the return?",
    ),
    "wrong_item": (
        "Could you send me a photo of the label on the item you received? It will help us trace "
        "the error with the warehouse.",
    ),
    "defective_product": (
        "Could you send us one or two photos of the defect? As soon as we get them we'll offer "
        "a solution.",
    ),
    "address_change": (
        "Could you confirm the complete address, with the unit number and postal code?",
    ),
    "order_change/modify": ("Could you confirm exactly what you'd like to change?",),
    "order_change/cancel": (
        "Could you confirm you want to cancel the whole order, not just one item?",
    ),
    "return_request/refund": (
        "Could you confirm the item hasn't been worn and still has its tags?",
    ),
    "product_question/restock": ("Would you like me to sign you up for the restock alert?",),
    "billing/invoice": ("What name should go on the invoice?",),
    "billing/promo": (
        "Where did you get the code? Some codes are for newsletter subscribers only.",
    ),
    "product_question": (
        "Could you tell me your usual size and how you'll use it (city, outdoors, snowmobile)?",
    ),
    "billing": ("Could you send a screenshot of your statement (hide the card number)?",),
    "other": ("Could you give us a few more details?",),
}

AGENT_HOLD: dict[str, tuple[str, ...]] = {
    "delivery_problem": (
        "I've opened a trace request with {carrier}. I'll get back to you as soon as I hear "
        "from them, usually within 48 hours.",
    ),
    "wrong_item": (
        "I'm checking with our warehouse what happened with order {order} and will get back to "
        "you within 48 hours.",
    ),
    "defective_product": (
        "I'm forwarding your photos to our supplier for the warranty and will get back to you "
        "as soon as they answer.",
    ),
    "refund_status": (
        "I'm checking with our warehouse whether your return was received and will get back to "
        "you shortly.",
    ),
}

NOTE_HOLD: dict[str, tuple[str, ...]] = {
    "delivery_problem": (
        "@{colleague} opened a trace with {carrier} for {tracking}, case {case}.",
        "{carrier} claim filed (case {case}). Follow up in 2 days.",
    ),
    "wrong_item": (
        "@{colleague} can you check with LogiPro on order {order}? Customer got something "
        "other than what was ordered.",
        "Probably a picking error at {warehouse}. Asked for a photo of the label.",
    ),
    "defective_product": ("@{colleague} do you have the supplier contact for warranty claims?",),
    "refund_status": ("@{colleague} can you check whether the return for {order} was scanned?",),
}

NOTE_MISC = (
    "Loyal customer, offered express shipping.",
    "Looked at the customer's history in Shopify, nothing unusual.",
    "@{colleague} can you take this one? I'm off tomorrow.",
    "Already answered by phone, will close after their reply.",
    "Same issue as last week with this customer, keep an eye on it.",
)
