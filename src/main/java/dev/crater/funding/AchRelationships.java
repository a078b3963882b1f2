package dev.crater.funding;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.accounts.Account;
import dev.crater.common.Refusal;
import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linked bank accounts (reference 03-accounts.md §4.1). A {@code Manual} relationship starts
 * {@code Pending}: the sandbox "sends" two micro-deposits of 1–99 cents to the bank — an e-mail to
 * the caller tells the amounts, as a bank statement would — and {@link #approve} with both amounts
 * makes it {@code Approved}; {@link #GUESSES_MAX} wrong guesses put it in {@code Error}. An
 * {@code Instant} relationship (and every Plaid link) is {@code Approved} at once. Only the amounts'
 * HMAC is stored; the bank account number is sealed and shown masked.
 */
public final class AchRelationships {
    private static final Logger LOG = LoggerFactory.getLogger(AchRelationships.class);

    /** Named limits: relationships not canceled per account (the documented two), ever per account, wrong guesses. */
    public static final int ACTIVE_PER_ACCOUNT_MAX = 2;
    public static final int EVER_PER_ACCOUNT_MAX = 50;
    public static final int GUESSES_MAX = 3;
    public static final int NAME_CHARS_MAX = 100;
    public static final int REASON_CHARS_MAX = 200;
    public static final int PLAID_TOKEN_CHARS_MAX = 200;
    public static final int PLAID_ACCOUNT_ID_CHARS_MAX = 64;
    /** The routing number sandbox Plaid links get (Plaid's own sandbox bank's). */
    static final String PLAID_SANDBOX_ROUTING = "011401533";
    static final String PLAID_SANDBOX_PREFIX = "public-sandbox-";

    public static final List<String> STATUSES = List.of("Pending", "Approved", "Canceled", "Error", "PendingCancel",
            "PendingApproval");

    /** {@code AchRelationshipResource}; empty optional fields are left out. */
    @JsonPropertyOrder({"Id", "AccountId", "ExternalId", "RoutingNumber", "AccountNumber", "DisplayAccountNumber",
            "AccountOwnerName", "Name", "Status", "CreatedAt", "CancelDate", "CancelReason", "ApprovalMethod", "Default",
            "BankAccountType"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AchRelationship(String id, long accountId, String externalId, String routingNumber,
            String accountNumber, String displayAccountNumber, String accountOwnerName, String name, String status,
            String createdAt, String cancelDate, String cancelReason, String approvalMethod,
            @JsonProperty("Default") boolean isDefault, String bankAccountType) {
    }

    /** What a create asks for, checked by the routes' reading. */
    public record NewRelationship(String routingNumber, String accountNumber, String accountOwnerName, String name,
            String approvalMethod, String bankAccountType) {
    }

    private final FundingStore store;
    private final SecretBox box;
    private final Mailer mailer;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public AchRelationships(FundingStore store, SecretBox box, Mailer mailer, InstantSource clock) {
        this.store = store;
        this.box = box;
        this.mailer = mailer;
        this.clock = clock;
    }

    public static AchRelationship model(FundingStore.RelationshipRow r) {
        String masked = "*".repeat(6) + r.accountNumberLast4();
        return new AchRelationship(r.id(), r.accountId(), r.externalId(), r.routingNumber(), masked, masked,
                r.accountOwnerName(), r.name(), r.status(), Dates.iso(r.createdAtMs()),
                r.cancelAtMs() == null ? null : Dates.iso(r.cancelAtMs()), r.cancelReason(), r.approvalMethod(),
                r.isDefault(), r.bankAccountType());
    }

    /** Creates a relationship; a {@code Manual} one gets its micro-deposits, told to {@code caller} by e-mail. */
    public AchRelationship create(Account account, User caller, NewRelationship n) {
        if (!BankNumbers.abaRouting(n.routingNumber())) {
            throw Refusal.invalid("model.RoutingNumber", "RoutingNumber must be a valid 9-digit ABA routing number.");
        }
        if (!BankNumbers.accountNumber(n.accountNumber())) {
            throw Refusal.invalid("model.AccountNumber", "AccountNumber must be " + BankNumbers.ACCOUNT_DIGITS_MIN
                    + " to " + BankNumbers.ACCOUNT_DIGITS_MAX + " digits.");
        }
        String owner = text("model.AccountOwnerName", "AccountOwnerName", n.accountOwnerName(), NAME_CHARS_MAX);
        String name = text("model.Name", "Name", n.name(), NAME_CHARS_MAX);
        String method = oneOf("model.ApprovalMethod", "ApprovalMethod", n.approvalMethod(), List.of("Manual", "Instant"),
                "Manual");
        String type = oneOf("model.BankAccountType", "BankAccountType", n.bankAccountType(),
                List.of("Checking", "Savings"), "Checking");
        String id = UUID.randomUUID().toString();
        boolean manual = method.equals("Manual");
        int a1 = 0;
        int a2 = 0;
        String mac = null;
        if (manual) {
            a1 = 1 + random.nextInt(99);
            do {
                a2 = 1 + random.nextInt(99);
            } while (a2 == a1);
            mac = microMac(id, a1, a2);
        }
        FundingStore.RelationshipRow row = new FundingStore.RelationshipRow(id, account.id(), externalId(id),
                n.routingNumber(), box.seal(n.accountNumber()), last4(n.accountNumber()), owner, name,
                manual ? "Pending" : "Approved", method, type, false, clock.millis(), null, null, mac, 0);
        insert(account.id(), List.of(row));
        if (manual) {
            sendMicroDeposits(caller, name, n.accountNumber(), a1, a2);
        }
        return model(store.relationship(account.id(), id).orElseThrow());
    }

    /**
     * A Plaid link with a sandbox public token ({@code public-sandbox-…}): one {@code Approved}
     * relationship per Plaid account id (at most the documented two per trading account in all);
     * all are answered, in the order given. The token is never stored.
     */
    public List<AchRelationship> createWithPlaid(Account account, User caller, List<String> plaidAccounts, String bankName,
            String publicToken) {
        if (publicToken == null || !publicToken.startsWith(PLAID_SANDBOX_PREFIX)
                || publicToken.length() > PLAID_TOKEN_CHARS_MAX
                || !publicToken.matches("[A-Za-z0-9-]+")) {
            throw Refusal.invalid("model.PublicToken", "PublicToken must be a Plaid sandbox public token ("
                    + PLAID_SANDBOX_PREFIX + "…); this is a paper-trading sandbox.");
        }
        if (plaidAccounts == null || plaidAccounts.isEmpty() || plaidAccounts.size() > ACTIVE_PER_ACCOUNT_MAX) {
            throw Refusal.invalid("model.Accounts", "Accounts lists 1 to " + ACTIVE_PER_ACCOUNT_MAX + " Plaid account ids.");
        }
        String bank = text("model.BankName", "BankName", bankName, NAME_CHARS_MAX);
        String owner = (caller.firstName() + " " + caller.lastName()).trim();
        if (owner.isEmpty()) {
            owner = caller.username();
        }
        List<FundingStore.RelationshipRow> rows = new ArrayList<>();
        for (String p : plaidAccounts) {
            if (p == null || p.isEmpty() || p.length() > PLAID_ACCOUNT_ID_CHARS_MAX || !p.matches("[A-Za-z0-9_-]+")) {
                throw Refusal.invalid("model.Accounts", "A Plaid account id is 1 to " + PLAID_ACCOUNT_ID_CHARS_MAX
                        + " letters, digits, '-' or '_'.");
            }
            // The sandbox bank's account number: derived from the link, so the same link shows the same number.
            String digits = Secrets.sha256(publicToken + ":" + p).replaceAll("[^0-9]", "");
            String number = "9" + (digits + "00000000000").substring(0, 11);
            String id = UUID.randomUUID().toString();
            rows.add(new FundingStore.RelationshipRow(id, account.id(), externalId(id), PLAID_SANDBOX_ROUTING,
                    box.seal(number), last4(number), owner.length() > NAME_CHARS_MAX ? owner.substring(0, NAME_CHARS_MAX)
                    : owner, bank, "Approved", "Instant", "Checking", false, clock.millis(), null, null, null, 0));
        }
        insert(account.id(), rows);
        return rows.stream().map(r -> model(store.relationship(account.id(), r.id()).orElseThrow())).toList();
    }

    private void insert(long accountId, List<FundingStore.RelationshipRow> rows) {
        switch (store.insertRelationships(accountId, rows, ACTIVE_PER_ACCOUNT_MAX, EVER_PER_ACCOUNT_MAX)) {
            case NONE -> {
            }
            case ACTIVE_LIMIT -> throw new Refusal.Conflict("An account has at most " + ACTIVE_PER_ACCOUNT_MAX
                    + " ACH relationships; cancel one first.");
            case EVER_LIMIT -> throw new Refusal.Conflict("An account may create at most " + EVER_PER_ACCOUNT_MAX
                    + " ACH relationships.");
        }
    }

    public AchRelationship get(Account account, String id) {
        return model(row(account, id));
    }

    FundingStore.RelationshipRow row(Account account, String id) {
        return store.relationship(account.id(), guid(id))
                .orElseThrow(() -> new Refusal.NotFound("No ACH relationship " + id + " in account " + account.id() + "."));
    }

    /** The account's relationships, optionally of one status, oldest first. */
    public List<AchRelationship> list(Account account, Optional<String> status) {
        return store.relationships(account.id()).stream().filter(r -> status.isEmpty() || r.status().equals(status.get()))
                .map(AchRelationships::model).toList();
    }

    public AchRelationship defaultOf(Account account) {
        return store.relationships(account.id()).stream().filter(FundingStore.RelationshipRow::isDefault).findFirst()
                .map(AchRelationships::model)
                .orElseThrow(() -> new Refusal.NotFound("Account " + account.id() + " has no default ACH relationship."));
    }

    public AchRelationship setDefault(Account account, String id) {
        row(account, id);
        if (!store.setDefault(account.id(), guid(id))) {
            throw new Refusal.Conflict("A canceled or failed ACH relationship cannot be the default.");
        }
        return get(account, id);
    }

    public AchRelationship rename(Account account, String id, String name) {
        row(account, id);
        String n = text("model.Name", "Name", name, NAME_CHARS_MAX);
        if (!store.rename(account.id(), guid(id), n)) {
            throw new Refusal.Conflict("A canceled ACH relationship cannot be changed.");
        }
        return get(account, id);
    }

    public AchRelationship cancel(Account account, String id, String reason) {
        row(account, id);
        String r = text("reason", "reason", reason, REASON_CHARS_MAX);
        if (!store.cancel(account.id(), guid(id), r, clock.millis())) {
            throw new Refusal.Conflict("The ACH relationship is canceled already.");
        }
        return get(account, id);
    }

    /** Approves a pending Manual relationship with the two micro-deposit amounts (either order). */
    public AchRelationship approve(Account account, String id, BigDecimal amount1, BigDecimal amount2) {
        FundingStore.RelationshipRow r = row(account, id);
        if (!r.status().equals("Pending") || r.microMac() == null) {
            throw new Refusal.Conflict("The ACH relationship is not awaiting micro-deposit verification (status "
                    + r.status() + ").");
        }
        int c1 = cents("model.Amount1", amount1);
        int c2 = cents("model.Amount2", amount2);
        if (!Secrets.equal(microMac(r.id(), c1, c2), r.microMac())) {
            store.wrongGuess(account.id(), r.id(), GUESSES_MAX);
            int left = GUESSES_MAX - r.approveAttempts() - 1;
            throw new Refusal.Conflict(left > 0
                    ? "The amounts do not match the micro-deposits; " + left + " attempt(s) left."
                    : "The amounts do not match the micro-deposits; the relationship is now in Error.");
        }
        if (!store.approve(account.id(), r.id())) {
            throw new Refusal.Conflict("The ACH relationship is no longer pending.");
        }
        return get(account, id);
    }

    private static int cents(String key, BigDecimal amount) {
        if (amount == null) {
            throw Refusal.invalid(key, key.substring(key.indexOf('.') + 1) + " is required (dollars, e.g. 0.32).");
        }
        BigDecimal c = amount.movePointRight(2);
        if (c.signum() <= 0 || c.compareTo(BigDecimal.valueOf(99)) > 0 || c.stripTrailingZeros().scale() > 0) {
            throw Refusal.invalid(key, "A micro-deposit is 0.01 to 0.99 dollars.");
        }
        return c.intValueExact();
    }

    private String microMac(String id, int a, int b) {
        return box.mac("ach-micro-deposits:" + id + ":" + Math.min(a, b) + ":" + Math.max(a, b));
    }

    private void sendMicroDeposits(User caller, String bank, String accountNumber, int a1, int a2) {
        String body = "Two small deposits were sent to your " + bank + " account ending " + last4(accountNumber)
                + " to verify it: $" + BigDecimal.valueOf(a1, 2).toPlainString() + " and $"
                + BigDecimal.valueOf(a2, 2).toPlainString() + ".\n\nEnter both amounts in the app to approve the link."
                + " (Crater sandbox: no real money moves.)";
        try {
            mailer.send(new Mail(caller.email(), "Verify your bank account: micro-deposits sent", body));
        } catch (RuntimeException e) {
            LOG.warn("micro-deposit notice to user {} could not be sent: {}", caller.id(), e.getMessage());
        }
    }

    /** A GUID path id, lower-case; anything else is a 422 ModelState under {@code id}. */
    static String guid(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("id", "The value '" + id + "' is not valid for Guid.");
        }
    }

    private static String externalId(String id) {
        return "CRT" + id.replace("-", "").substring(0, 12).toUpperCase(Locale.ROOT);
    }

    private static String last4(String number) {
        return number.substring(number.length() - 4);
    }

    static String text(String key, String field, String value, int max) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.length() > max || v.chars().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid(key, field + " is 1 to " + max + " printable characters.");
        }
        return v;
    }

    static String oneOf(String key, String field, String value, List<String> allowed, String otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value.trim())) {
                return a;
            }
        }
        for (int i = 0; i < allowed.size(); i++) {
            if (value.trim().equals(Integer.toString(i))) {
                return allowed.get(i);
            }
        }
        throw Refusal.invalid(key, field + " is one of " + String.join(", ", allowed) + ".");
    }
}
