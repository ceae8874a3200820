"""The GraphQL documents the Shopify connector sends (Admin API, version from the settings).

One named operation per call, so the fake server and Shopify's logs can tell them apart. Money
is read in the shop's currency (``shopMoney``); mutations take Decimal strings."""

from __future__ import annotations

MONEY = "shopMoney { amount currencyCode }"

ORDER_FIELDS = f"""
  id name createdAt updatedAt cancelledAt cancelReason email phone currencyCode
  customerLocale sourceName paymentGatewayNames
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet {{ {MONEY} }}
  totalShippingPriceSet {{ {MONEY} }}
  totalDiscountsSet {{ {MONEY} }}
  totalTaxSet {{ {MONEY} }}
  taxLines {{ title rate priceSet {{ {MONEY} }} }}
  shippingAddress {{
    name firstName lastName address1 address2 city provinceCode zip countryCodeV2 phone
  }}
  customer {{ id email firstName lastName displayName phone locale }}
  lineItems(first: 100) {{
    nodes {{
      id sku title name variantTitle quantity
      originalUnitPriceSet {{ {MONEY} }}
      taxLines {{ title priceSet {{ {MONEY} }} }}
      variant {{ id selectedOptions {{ name value }} }}
    }}
  }}
  fulfillments(first: 20) {{
    id status displayStatus createdAt deliveredAt inTransitAt
    location {{ id }}
    trackingInfo(first: 5) {{ company number url }}
  }}
"""

SHOP = "query ComptoirShop { shop { name myshopifyDomain currencyCode } }"

ORDERS = f"""
query ComptoirOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ {ORDER_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

ORDER = f"""
query ComptoirOrder($id: ID!) {{
  order(id: $id) {{ {ORDER_FIELDS} }}
}}
"""

# What a keyed action leaves on the order: refunds (their note carries the key), cancellation,
# the shipping address (an address change is naturally idempotent).
ORDER_ACTIONS = f"""
query ComptoirOrderActions($id: ID!) {{
  order(id: $id) {{
    id name cancelledAt cancelReason displayFulfillmentStatus
    customer {id}
    refunds(first: 50) {{ id note createdAt totalRefundedSet {{ {MONEY} }} }}
  }}
}}
"""

# The refund Shopify suggests for these lines (and shipping): amounts and the transactions to
# refund them through (gateway, parent SALE/CAPTURE), as the refundCreate docs advise.
SUGGESTED_REFUND = f"""
query ComptoirSuggestedRefund($id: ID!, $lines: [RefundLineItemInput!], $shipping: Boolean) {{
  order(id: $id) {{
    id currencyCode
    fulfillments(first: 20) {{ location {{ id }} }}
    suggestedRefund(refundLineItems: $lines, refundShipping: $shipping) {{
      amountSet {{ {MONEY} }}
      shipping {{ amountSet {{ {MONEY} }} }}
      suggestedTransactions {{
        gateway kind
        amountSet {{ {MONEY} }}
        maximumRefundableSet {{ {MONEY} }}
        parentTransaction {{ id }}
      }}
    }}
  }}
}}
"""

PRIMARY_LOCATION = "query ComptoirPrimaryLocation { location { id name } }"

# ``@idempotent`` is added by the client when the API version supports it on refundCreate.
REFUND_CREATE = f"""
mutation ComptoirRefundCreate($input: RefundInput!) {{
  refundCreate(input: $input){{directive}} {{
    refund {{ id note createdAt totalRefundedSet {{ {MONEY} }} }}
    userErrors {{ field message }}
  }}
}}
"""

ORDER_CANCEL = """
mutation ComptoirOrderCancel($orderId: ID!, $reason: OrderCancelReason!,
    $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $notifyCustomer: Boolean,
    $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod,
      restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

ORDER_UPDATE = """
mutation ComptoirOrderUpdate($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id shippingAddress { address1 city provinceCode zip countryCodeV2 } }
    userErrors { field message }
  }
}
"""

DRAFT_ORDERS_TAGGED = """
query ComptoirDraftOrders($query: String!) {
  draftOrders(first: 5, query: $query) {
    nodes { id name status tags order { id name } }
  }
}
"""

DRAFT_ORDER_CREATE = """
mutation ComptoirDraftOrderCreate($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id name status }
    userErrors { field message }
  }
}
"""

DRAFT_ORDER_COMPLETE = """
mutation ComptoirDraftOrderComplete($id: ID!, $paymentPending: Boolean) {
  draftOrderComplete(id: $id, paymentPending: $paymentPending) {
    draftOrder { id status order { id name } }
    userErrors { field message }
  }
}
"""

DISCOUNT_BY_CODE = """
query ComptoirDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}
"""

DISCOUNT_CODE_CREATE = """
mutation ComptoirDiscountCodeCreate($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}
"""

GIFT_CARD_CREATE = """
mutation ComptoirGiftCardCreate($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    giftCard { id lastCharacters initialValue { amount currencyCode } }
    giftCardCode
    userErrors { field message code }
  }
}
"""

VARIANT_BY_SKU = """
query ComptoirVariantBySku($query: String!) {
  productVariants(first: 1, query: $query) {
    nodes { id sku inventoryItem { id } }
  }
}
"""

INVENTORY_ADJUST = """
mutation ComptoirInventoryAdjust($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input){directive} {
    inventoryAdjustmentGroup { id reason }
    userErrors { field message code }
  }
}
"""
