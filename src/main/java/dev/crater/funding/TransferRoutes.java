package dev.crater.funding;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.crater.access.ApiGuard;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Json;
import dev.crater.http.JsonBody;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import dev.crater.users.User;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The transfer operations (reference 03-accounts.md §4.2, spec {@code Transfers_*}): ACH deposits and
 * withdrawals, wire, check and Zelle withdrawals, a transfer's fees, the IRA constraints, the list,
 * and canceling a Submitted one. Sending and canceling need the account's owner. A request may carry
 * an idempotency key ({@code Idempotency-Key} header or a {@code ClientId} body field): a retry with
 * it answers the first request's transfer and moves no money.
 */
public final class TransferRoutes implements HttpService {

    /** Named limit: the largest page (the docs' 99). */
    public static final int PAGE_SIZE_MAX = 99;
    private static final String ARG = "model";
    private static final String BASE = "/accounts/{accountId}/transfers";

    private final AccountService accounts;
    private final AchRelationships ach;
    private final Transfers transfers;

    public TransferRoutes(AccountService accounts, AchRelationships ach, Transfers transfers) {
        this.accounts = accounts;
        this.ach = ach;
        this.transfers = transfers;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(BASE + "/ach[/]", this::sendAch)
                .post(BASE + "/wire[/]", this::sendWire)
                .post(BASE + "/check[/]", this::sendCheck)
                .post(BASE + "/zelle[/]", this::sendZelle)
                .get(BASE + "/ira_constraints/{mechanism}/{isDeposit}[/]", this::iraConstraints)
                .get(BASE + "/{id}/fees[/]", this::fees)
                .delete(BASE + "/{transferId}[/]", this::cancel)
                .get(BASE + "[/]", this::list)
                // The docs' reads of one transfer by mechanism (reference 03 §4.2 #5-7), without the account.
                .get("/transfers/ach/{transferId}[/]", (req, res) -> read(req, res, "ACH"))
                .get("/transfers/wire/{transferId}[/]", (req, res) -> read(req, res, "Wire"))
                .get("/transfers/check/{transferId}[/]", (req, res) -> read(req, res, "Check"));
    }

    /** Every property of a request model, by the JSON type it must have (a wrong one is a 400). */
    enum Kind { TEXT, NUMBER, INTEGER, BOOL, STRINGS, IRA_DISTRIBUTION, IRA_CONTRIBUTION }

    static final Map<String, Kind> IRA_DISTRIBUTION = Map.of("Reason", Kind.TEXT, "FederalTaxType", Kind.TEXT,
            "StateTaxType", Kind.TEXT, "FederalTaxAmount", Kind.NUMBER, "StateTaxAmount", Kind.NUMBER,
            "HasStateWithholdingWaiver", Kind.BOOL);
    static final Map<String, Kind> IRA_CONTRIBUTION = Map.of("Type", Kind.TEXT, "ContributionYear", Kind.INTEGER);
    static final Map<String, Kind> COMMON = Map.of("Amount", Kind.NUMBER, "CloseAccount", Kind.BOOL,
            "IraDistribution", Kind.IRA_DISTRIBUTION, "ExecTimeType", Kind.TEXT, "ClientId", Kind.TEXT);

    static void typed(JsonBody body, Map<String, Kind> kinds) {
        for (Map.Entry<String, Kind> k : kinds.entrySet()) {
            String f = k.getKey();
            switch (k.getValue()) {
                case TEXT -> body.text(f);
                case NUMBER -> body.decimal(f);
                case INTEGER -> body.integer(f);
                case BOOL -> body.bool(f);
                case STRINGS -> body.strings(f, Transfers.MEMOS_MAX);
                case IRA_DISTRIBUTION -> body.object(f).ifPresent(o -> typed(o, IRA_DISTRIBUTION));
                case IRA_CONTRIBUTION -> body.object(f).ifPresent(o -> typed(o, IRA_CONTRIBUTION));
            }
        }
        body.text("ExecTimeType").filter(s -> !s.isEmpty()).ifPresent(s -> {
            if (!List.of("regular", "scheduled", "0", "1").contains(s.toLowerCase(Locale.ROOT))) {
                throw body.invalidField("ExecTimeType", "ExecTimeType is Regular or Scheduled.");
            }
        });
    }

    static void typed(JsonBody body, Map<String, Kind> kinds, Map<String, Kind> more) {
        typed(body, kinds);
        typed(body, more);
    }

    private AccountService.AccountAccess owner(ServerRequest req) {
        return AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
    }

    private String createdBy(ServerRequest req) {
        return accounts.user(ApiGuard.principal(req).userId()).map(User::username).orElse("");
    }

    private static String clientKey(ServerRequest req, JsonBody body) {
        Optional<String> key = HttpSupport.header(req, HeaderNames.create("Idempotency-Key")).map(String::trim)
                .filter(s -> !s.isEmpty());
        if (key.isEmpty()) {
            key = body.text("ClientId").filter(s -> !s.isEmpty());
        }
        if (key.isPresent() && (key.get().length() > Transfers.CLIENT_KEY_CHARS_MAX
                || key.get().chars().anyMatch(Character::isISOControl))) {
            throw body.invalidField("ClientId", "An idempotency key is 1 to " + Transfers.CLIENT_KEY_CHARS_MAX
                    + " printable characters.");
        }
        return key.orElse(null);
    }

    private static BigDecimal amount(JsonBody body, boolean closeAccount) {
        Optional<BigDecimal> a = body.decimal("Amount");
        if (a.isEmpty() && !closeAccount) {
            throw body.invalidField("Amount", "Amount is required (dollars).");
        }
        return a.orElse(null);
    }

    private static String text(JsonBody body, String field, boolean required) {
        Optional<String> v = body.text(field).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            if (required) {
                throw body.invalidField(field, field + " is required.");
            }
            return null;
        }
        if (v.get().length() > Transfers.FIELD_CHARS_MAX || v.get().chars().anyMatch(Character::isISOControl)) {
            throw body.invalidField(field, field + " is 1 to " + Transfers.FIELD_CHARS_MAX + " printable characters.");
        }
        return v.get();
    }

    private void sendAch(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        typed(body, COMMON, Map.of("AchRelationshipId", Kind.TEXT, "DaysToHoldFunds", Kind.INTEGER, "IsIncoming", Kind.BOOL,
                "IraContribution", Kind.IRA_CONTRIBUTION));
        String relationshipId = text(body, "AchRelationshipId", true);
        boolean incoming = body.bool("IsIncoming").orElseThrow(() -> body.invalidField("IsIncoming",
                "IsIncoming is required: true deposits, false withdraws."));
        boolean close = body.bool("CloseAccount").orElse(false);
        if (incoming && close) {
            throw body.invalidField("CloseAccount", "CloseAccount is for withdrawals only.");
        }
        BigDecimal amount = amount(body, close);
        long hold = body.integer("DaysToHoldFunds").orElse(0L);
        FundingStore.RelationshipRow r = ach.row(access.account(), relationshipId);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("FeeType", incoming ? "AchDeposit" : "AchWithdrawal");
        details.put("BankName", r.name());
        kept(body, details, close);
        send(req, res, access.account(), body, new Transfers.Request("ACH", incoming, amount, close,
                (String) details.get("FeeType"), r.id(), (int) Math.max(-1, Math.min(hold, Integer.MAX_VALUE)), null,
                details, body.has("IraDistribution"), clientKey(req, body)), r);
    }

    static final Map<String, Kind> WIRE = Map.ofEntries(
            Map.entry("IsDomesticWire", Kind.BOOL),
            Map.entry("Comment", Kind.TEXT),
            Map.entry("BankName", Kind.TEXT),
            Map.entry("RoutingNumber", Kind.TEXT),
            Map.entry("BankStreetAddress1", Kind.TEXT),
            Map.entry("BankStreetAddress2", Kind.TEXT),
            Map.entry("BankCity", Kind.TEXT),
            Map.entry("BankCountry", Kind.TEXT),
            Map.entry("BankState", Kind.TEXT),
            Map.entry("BankZipCode", Kind.TEXT),
            Map.entry("ForFurtherCredit", Kind.BOOL),
            Map.entry("IntermediaryName", Kind.TEXT),
            Map.entry("IntermediaryAccountNumber", Kind.TEXT),
            Map.entry("IntermediaryAddress1", Kind.TEXT),
            Map.entry("IntermediaryAddress2", Kind.TEXT),
            Map.entry("IntermediaryCountry", Kind.TEXT),
            Map.entry("IntermediaryCity", Kind.TEXT),
            Map.entry("IntermediaryPostalCode", Kind.TEXT),
            Map.entry("IntermediaryState", Kind.TEXT),
            Map.entry("Name", Kind.TEXT),
            Map.entry("AccountNumber", Kind.TEXT),
            Map.entry("Address1", Kind.TEXT),
            Map.entry("Address2", Kind.TEXT),
            Map.entry("City", Kind.TEXT),
            Map.entry("Country", Kind.TEXT),
            Map.entry("State", Kind.TEXT),
            Map.entry("ZipCode", Kind.TEXT));

    /** The wire's addresses kept for {@code GET /transfers/wire/{id}} (no bank account number among them). */
    static final List<String> WIRE_KEPT = List.of("BankStreetAddress1", "BankStreetAddress2", "BankCity", "BankCountry",
            "BankState", "BankZipCode", "IntermediaryName", "IntermediaryAddress1", "IntermediaryAddress2",
            "IntermediaryCity", "IntermediaryCountry", "IntermediaryPostalCode", "IntermediaryState", "Address1",
            "Address2", "City", "Country", "State", "ZipCode");

    /** What the documented transfer reads answer besides the transfer: CloseAccount and the IRA distribution. */
    private static void kept(JsonBody body, Map<String, Object> details, boolean close) {
        details.put("CloseAccount", close);
        body.object("IraDistribution").ifPresent(o -> {
            Map<String, Object> ira = new LinkedHashMap<>();
            for (String f : List.of("Reason", "FederalTaxType", "StateTaxType")) {
                text(o, f, false);
                o.text(f).filter(v -> !v.isEmpty()).ifPresent(v -> ira.put(f, v));
            }
            for (String f : List.of("FederalTaxAmount", "StateTaxAmount")) {
                o.decimal(f).ifPresent(v -> ira.put(f, v));
            }
            details.put("IraDistribution", ira);
        });
    }

    private void sendWire(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        typed(body, COMMON, WIRE);
        boolean close = body.bool("CloseAccount").orElse(false);
        BigDecimal amount = amount(body, close);
        boolean domestic = body.bool("IsDomesticWire").orElse(true);
        String routing = text(body, "RoutingNumber", true);
        if (domestic ? !BankNumbers.abaRouting(routing) : !BankNumbers.swift(routing)) {
            throw body.invalidField("RoutingNumber", domestic ? "A domestic wire's RoutingNumber is a valid ABA routing number."
                    : "A foreign wire's RoutingNumber is a SWIFT/BIC code.");
        }
        String accountNumber = text(body, "AccountNumber", true);
        if (!accountNumber.matches("[A-Za-z0-9]{4,34}")) {
            throw body.invalidField("AccountNumber", "AccountNumber is 4 to 34 letters and digits.");
        }
        if (!domestic) {
            for (String f : List.of("BankName", "BankCity", "BankCountry")) {
                text(body, f, true);
            }
        }
        boolean ffc = body.bool("ForFurtherCredit").orElse(false);
        if (ffc) {
            for (String f : List.of("IntermediaryName", "IntermediaryAccountNumber", "IntermediaryAddress1",
                    "IntermediaryCity", "IntermediaryCountry", "IntermediaryPostalCode")) {
                text(body, f, true);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("FeeType", domestic ? "WireDomestic" : "WireInternational");
        details.put("IsDomesticWire", domestic);
        details.put("RoutingNumber", routing);
        details.put("AccountNumberLast4", accountNumber.substring(accountNumber.length() - 4));
        details.put("ForFurtherCredit", ffc);
        Optional.ofNullable(text(body, "BankName", false)).ifPresent(v -> details.put("BankName", v));
        Optional.ofNullable(text(body, "Name", false)).ifPresent(v -> details.put("Name", v));
        for (String f : WIRE_KEPT) {
            Optional.ofNullable(text(body, f, false)).ifPresent(v -> details.put(f, v));
        }
        Optional.ofNullable(text(body, "IntermediaryAccountNumber", false)).filter(v -> v.length() >= 4)
                .ifPresent(v -> details.put("IntermediaryAccountNumberLast4", v.substring(v.length() - 4)));
        kept(body, details, close);
        send(req, res, access.account(), body, new Transfers.Request("Wire", false, amount, close,
                (String) details.get("FeeType"), null, 0, text(body, "Comment", false), details,
                body.has("IraDistribution"), clientKey(req, body)), null);
    }

    private void sendCheck(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        typed(body, COMMON, Map.of("Memos", Kind.STRINGS, "DeliveryMethod", Kind.TEXT));
        boolean close = body.bool("CloseAccount").orElse(false);
        BigDecimal amount = amount(body, close);
        String method = Optional.ofNullable(text(body, "DeliveryMethod", false)).map(m -> m.toUpperCase(Locale.ROOT))
                .orElse("STANDARD");
        if (method.matches("\\d+") && Integer.parseInt(method) < Transfers.DELIVERY_METHODS.size()) {
            method = Transfers.DELIVERY_METHODS.get(Integer.parseInt(method));
        }
        if (!Transfers.DELIVERY_METHODS.contains(method)) {
            throw body.invalidField("DeliveryMethod", "DeliveryMethod is one of " + String.join(", ",
                    Transfers.DELIVERY_METHODS) + ".");
        }
        List<String> memos = body.strings("Memos", Transfers.MEMOS_MAX).orElse(List.of());
        for (String m : memos) {
            if (m.length() > Transfers.MEMO_CHARS_MAX || m.chars().anyMatch(Character::isISOControl)) {
                throw body.invalidField("Memos", "A memo is at most " + Transfers.MEMO_CHARS_MAX + " printable characters.");
            }
        }
        String feeType = switch (method) {
            case "OVERNIGHT" -> "CheckOvernight";
            case "SATURDAY" -> "CheckSaturday";
            case "OVERNIGHT_TO_BROKER" -> "CheckOvernightToBroker";
            case "PRINT_AT_FIRM" -> "CheckPrintAtFirm";
            default -> "CheckStandard";
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("FeeType", feeType);
        details.put("DeliveryMethod", method);
        details.put("Memos", memos);
        kept(body, details, close);
        send(req, res, access.account(), body, new Transfers.Request("Check", false, amount, close, feeType, null, 0,
                memos.isEmpty() ? null : memos.getFirst(), details, body.has("IraDistribution"), clientKey(req, body)), null);
    }

    private void sendZelle(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        typed(body, COMMON, Map.of("Name", Kind.TEXT, "Mobile", Kind.TEXT, "Email", Kind.TEXT));
        boolean close = body.bool("CloseAccount").orElse(false);
        BigDecimal amount = amount(body, close);
        String mobile = text(body, "Mobile", false);
        String email = text(body, "Email", false);
        if (mobile == null && email == null) {
            throw body.invalidField("Email", "A Zelle transfer names the recipient's Email or Mobile.");
        }
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw body.invalidField("Email", "Email is an e-mail address.");
        }
        if (mobile != null && !mobile.matches("\\+?[0-9 ()-]{7,20}")) {
            throw body.invalidField("Mobile", "Mobile is a phone number.");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("FeeType", "Zelle");
        Optional.ofNullable(text(body, "Name", false)).ifPresent(v -> details.put("Name", v));
        Optional.ofNullable(email).ifPresent(v -> details.put("Email", v));
        Optional.ofNullable(mobile).ifPresent(v -> details.put("Mobile", v));
        send(req, res, access.account(), body, new Transfers.Request("Zelle", false, amount, close, "Zelle", null, 0,
                null, details, body.has("IraDistribution"), clientKey(req, body)), null);
    }

    private void send(ServerRequest req, ServerResponse res, Account account, JsonBody body, Transfers.Request r,
            FundingStore.RelationshipRow ach) {
        HttpSupport.json(res, 200, transfers.send(account, createdBy(req), r, ach));
    }

    private void fees(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        // The spec answers an array of FeeResource (the docs show none): the transfer's one fee.
        HttpSupport.json(res, 200, List.of(transfers.fees(access.account(), req.path().pathParameters().get("id"))));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        String comment = Paging.required(req, "comment");
        transfers.cancel(access.account(), req.path().pathParameters().get("transferId"), comment);
        res.status(204).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        // The spec's sortBy/isDesc or the docs' sortField/desc; both optional (newest first by default).
        Paging.required(req, "pageNumber");
        Paging.required(req, "pageSize");
        int number = Paging.integer("pageNumber", Paging.required(req, "pageNumber"), 0, Paging.PAGE_NUMBER_MAX);
        int size = Paging.integer("pageSize", Paging.required(req, "pageSize"), 1, PAGE_SIZE_MAX);
        String sort = HttpSupport.query(req, "sortBy").or(() -> HttpSupport.query(req, "sortField")).orElse(null);
        Optional<String> descText = HttpSupport.query(req, "isDesc").or(() -> HttpSupport.query(req, "desc"));
        boolean desc = descText.map(d -> Paging.bool("isDesc", d)).orElse(sort == null);
        Paging paging = new Paging(number, size, sort, desc, Paging.filter(req));
        PagedQuery.Page<Transfers.Transfer> page;
        try {
            page = transfers.list(access.account(), paging.request());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, paging.result(page.rows(), page.total(), req));
    }

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * {@code GET /transfers/ach|wire|check/{transferId}} (the docs' reads; the spec has none): the
     * transfer in the docs' camelCase shape, for a caller who may read its account. Unknown, another
     * mechanism's, or in an account the caller cannot read: the documented 409, alike (no probing of
     * other accounts' transfer ids); not a GUID: 422 ModelState {@code transferId}.
     */
    private void read(ServerRequest req, ServerResponse res, String mechanism) {
        String id = req.path().pathParameters().get("transferId");
        if (id == null || !GUID.matcher(id).matches()) {
            throw ApiException.modelState("transferId", "The value '" + id + "' is not valid for Guid.");
        }
        String notFound = "No " + (mechanism.equals("ACH") ? "ACH" : mechanism.toLowerCase(Locale.ROOT))
                + " transfer " + id + ".";
        FundingStore.TransferRow t = transfers.byId(id).filter(r -> r.mechanism().equals(mechanism))
                .filter(r -> readable(req, r.accountId()))
                .orElseThrow(() -> new ApiException(409, new ApiError.Message(notFound)));
        Map<String, Object> d = details(t);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("transferId", t.id());
        out.put("amount", t.amount());
        out.put("actualAmount", t.totalAmount());
        switch (mechanism) {
            case "ACH" -> {
                out.put("achRelationshipId", t.achRelationshipId());
                out.put("closeAccount", Boolean.TRUE.equals(d.get("CloseAccount")));
                out.put("isDeposit", t.isDeposit());
            }
            case "Wire" -> {
                out.put("closeAccount", Boolean.TRUE.equals(d.get("CloseAccount")));
                out.put("isDomesticWire", !Boolean.FALSE.equals(d.get("IsDomesticWire")));
                Map<String, Object> recipient = new LinkedHashMap<>();
                recipient.put("routingNumber", d.get("RoutingNumber"));
                recipient.put("name", d.get("BankName"));
                recipient.put("address", address(d, "BankStreetAddress1", "BankStreetAddress2", "BankCity", "BankState",
                        "BankZipCode", "BankCountry"));
                out.put("recipient", recipient);
                Map<String, Object> intermediary = null;
                if (Boolean.TRUE.equals(d.get("ForFurtherCredit"))) {
                    intermediary = new LinkedHashMap<>();
                    intermediary.put("name", d.get("IntermediaryName"));
                    intermediary.put("accountNumber", masked(d.get("IntermediaryAccountNumberLast4")));
                    intermediary.put("address", address(d, "IntermediaryAddress1", "IntermediaryAddress2",
                            "IntermediaryCity", "IntermediaryState", "IntermediaryPostalCode", "IntermediaryCountry"));
                }
                out.put("forFurtherCredit", Boolean.TRUE.equals(d.get("ForFurtherCredit")));
                out.put("intermediary", intermediary);
                Map<String, Object> beneficiary = new LinkedHashMap<>();
                beneficiary.put("accountNumber", masked(d.get("AccountNumberLast4")));
                beneficiary.put("name", d.get("Name"));
                beneficiary.put("address", address(d, "Address1", "Address2", "City", "State", "ZipCode", "Country"));
                out.put("beneficiary", beneficiary);
            }
            default -> {
                out.put("closeAccount", Boolean.TRUE.equals(d.get("CloseAccount")));
                out.put("memos", d.getOrDefault("Memos", List.of()));
                out.put("deliveryMethod", d.getOrDefault("DeliveryMethod", "STANDARD"));
            }
        }
        out.put("iraDistribution", d.get("IraDistribution") instanceof Map<?, ?> ira ? camel(ira) : null);
        HttpSupport.json(res, 200, out);
    }

    private boolean readable(ServerRequest req, long accountId) {
        try {
            accounts.access(ApiGuard.principal(req), accountId, AccountService.Need.READ);
            return true;
        } catch (Refusal.Denied e) {
            return false;
        }
    }

    private static Map<String, Object> details(FundingStore.TransferRow t) {
        try {
            // Amounts as BigDecimal, never double.
            return Json.mapper().readerFor(new TypeReference<LinkedHashMap<String, Object>>() {
            }).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readValue(t.detailsJson());
        } catch (JsonProcessingException | RuntimeException e) {
            return Map.of();
        }
    }

    private static String masked(Object last4) {
        return last4 == null ? null : "******" + last4;
    }

    private static Map<String, Object> address(Map<String, Object> d, String street1, String street2, String city,
            String state, String postalCode, String country) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("streetAddress1", d.get(street1));
        a.put("streetAddress2", d.get(street2));
        a.put("city", d.get(city));
        a.put("state", d.get(state));
        a.put("postalCode", d.get(postalCode));
        a.put("country", d.get(country));
        return a;
    }

    private static Map<String, Object> camel(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : List.of("Reason", "FederalTaxType", "StateTaxType", "FederalTaxAmount", "StateTaxAmount")) {
            out.put(Character.toLowerCase(f.charAt(0)) + f.substring(1), m.get(f));
        }
        return out;
    }

    /** {@code AllowedIraConstraintsResource}. */
    @JsonPropertyOrder({"IsRetirementAccount", "ContributionConstraints", "DistributionConstraints"})
    public record IraConstraints(boolean isRetirementAccount, Contribution contributionConstraints,
            Distribution distributionConstraints) {
        @JsonPropertyOrder({"OnlyAllowCurrentYearContribution", "ValidContributions"})
        public record Contribution(boolean onlyAllowCurrentYearContribution, List<ValidContribution> validContributions) {
        }

        @JsonPropertyOrder({"Reason", "PreviousYearContributionAllowed"})
        public record ValidContribution(String reason, boolean previousYearContributionAllowed) {
        }

        @JsonPropertyOrder({"TotalDistributionAllowed", "ClosingFee", "ValidDistributionReasons"})
        public record Distribution(boolean totalDistributionAllowed, Transfers.Fee closingFee,
                Map<String, ReasonParams> validDistributionReasons) {
        }

        /** {@code DistributionReasonParamsResource}. */
        @JsonPropertyOrder({"WithholdingEnabled", "StateWithholdingEnabled"})
        public record ReasonParams(boolean withholdingEnabled, boolean stateWithholdingEnabled) {
        }
    }

    private void iraConstraints(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        String mechanism = req.path().pathParameters().get("mechanism");
        String m = AchRelationships.oneOf("mechanism", "mechanism", mechanism, List.of("ACH", "Check", "Wire", "Zelle"),
                null);
        boolean deposit = Paging.bool("isDeposit", req.path().pathParameters().get("isDeposit"));
        if (access.account().marginType() != MarginType.MarginIra) {
            HttpSupport.json(res, 200, new IraConstraints(false, null, null));
            return;
        }
        if (deposit) {
            if (!m.equals("ACH")) {
                throw new ApiException(409, new ApiError.Message(
                        "Deposits into an IRA account are by ACH only in this sandbox."));
            }
            boolean previousYear = transfers.previousYearContributionsOpen();
            HttpSupport.json(res, 200, new IraConstraints(true, new IraConstraints.Contribution(!previousYear, List.of(
                    new IraConstraints.ValidContribution("REGULAR", previousYear),
                    new IraConstraints.ValidContribution("ROLLOVER", false),
                    new IraConstraints.ValidContribution("TRANSFER", false))), null));
            return;
        }
        String feeType = switch (m) {
            case "Wire" -> "WireDomestic";
            case "Check" -> "CheckStandard";
            case "Zelle" -> "Zelle";
            default -> "AchWithdrawal";
        };
        BigDecimal fee = Transfers.FEES.get(feeType);
        Map<String, IraConstraints.ReasonParams> reasons = new LinkedHashMap<>();
        reasons.put("NORMAL", new IraConstraints.ReasonParams(true, true));
        reasons.put("PREMATURE", new IraConstraints.ReasonParams(true, true));
        reasons.put("RECHARACTERIZATION", new IraConstraints.ReasonParams(false, false));
        reasons.put("EXCESS_CONTRIBUTION_REMOVAL", new IraConstraints.ReasonParams(true, false));
        HttpSupport.json(res, 200, new IraConstraints(true, null, new IraConstraints.Distribution(true,
                new Transfers.Fee(feeType, fee, fee, BigDecimal.ZERO), reasons)));
    }
}
