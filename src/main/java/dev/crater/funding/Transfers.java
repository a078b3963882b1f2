package dev.crater.funding;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.crypto.Secrets;
import dev.crater.http.Dates;
import dev.crater.http.Json;
import dev.crater.market.Market;
import dev.crater.market.TradingCalendar;
import dev.crater.store.Monotonic;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * Transfers in and out (reference 03-accounts.md §4.2) on simulated clearing with real rules. Every
 * money move is a cash request the engine books once, written in the same transaction as the
 * transfer's state change ({@link FundingStore}): a withdrawal's hold (amount plus fee) at once —
 * the engine refuses one above the withdrawable cash, and the transfer is {@code Rejected} — a
 * deposit's credit when its funds arrive (the next session start, as documented, after the hold
 * days), and the reversal of a canceled, rejected or returned one. Statuses: {@code Submitted} →
 * {@code Complete}, or {@code Canceled} / {@code Rejected}; {@code Complete} → {@code Returned}.
 */
public final class Transfers {

    /** Named limits. */
    public static final int OPEN_PER_ACCOUNT_MAX = 100;
    public static final int HOLD_DAYS_MAX = 30;
    public static final int COMMENT_CHARS_MAX = 200;
    public static final int CLIENT_KEY_CHARS_MAX = 100;
    public static final int MEMOS_MAX = 5;
    public static final int MEMO_CHARS_MAX = 100;
    public static final int FIELD_CHARS_MAX = 100;
    /** How long a withdrawal's answer waits for the engine to take its hold before answering Submitted. */
    public static final long HOLD_WAIT_MS = 5000;
    private static final long HOLD_POLL_MS = 25;

    /** The sandbox fee schedule (dollars), by fee type. */
    public static final Map<String, BigDecimal> FEES = Map.of(
            "AchDeposit", BigDecimal.ZERO, "AchWithdrawal", BigDecimal.ZERO,
            "WireDomestic", new BigDecimal("25"), "WireInternational", new BigDecimal("45"),
            "CheckStandard", BigDecimal.ZERO, "CheckOvernight", new BigDecimal("25"),
            "CheckSaturday", new BigDecimal("35"), "CheckOvernightToBroker", new BigDecimal("25"),
            "CheckPrintAtFirm", BigDecimal.ZERO, "Zelle", BigDecimal.ZERO);

    public static final List<String> DELIVERY_METHODS = List.of("STANDARD", "OVERNIGHT", "SATURDAY",
            "OVERNIGHT_TO_BROKER", "PRINT_AT_FIRM");

    /** {@code TransferResource}. */
    @JsonPropertyOrder({"Id", "AccountId", "ExternalId", "Mechanism", "IsDeposit", "Status", "Comment", "Amount",
            "TotalAmount", "TransferDate", "CreatedAt", "ClearingAccountNumber", "CreatedBy"})
    public record Transfer(String id, long accountId, String externalId, String mechanism, boolean isDeposit,
            String status, String comment, BigDecimal amount, BigDecimal totalAmount, String transferDate,
            String createdAt, String clearingAccountNumber, String createdBy) {
    }

    /** {@code FeeResource}. */
    @JsonPropertyOrder({"Type", "CustomerDebitAmount", "FirmCreditAmount", "CorrespondentNetAmount"})
    public record Fee(String type, BigDecimal customerDebitAmount, BigDecimal firmCreditAmount,
            BigDecimal correspondentNetAmount) {
    }

    /**
     * What a transfer request asks for, read by the routes. {@code amount} null with {@code closeAccount}
     * withdraws everything withdrawable; {@code feeType} names the fee; {@code details} what is kept of
     * the destination (never a full bank account number).
     */
    public record Request(String mechanism, boolean deposit, BigDecimal amount, boolean closeAccount, String feeType,
            String achRelationshipId, int holdDays, String comment, Map<String, Object> details, boolean iraDistribution,
            String clientKey) {
    }

    private final FundingStore store;
    private final AccountService accounts;
    private final Market market;
    private final LongFunction<BigDecimal> withdrawable;

    /** @param withdrawable an account's withdrawable cash as the engine counts it now */
    public Transfers(FundingStore store, AccountService accounts, Market market, LongFunction<BigDecimal> withdrawable) {
        this.store = store;
        this.accounts = accounts;
        this.market = market;
        this.withdrawable = withdrawable;
    }

    public Transfer model(FundingStore.TransferRow t) {
        String clearing = accounts.cachedById(t.accountId()).map(Account::clearingAccount).orElse(null);
        return new Transfer(t.id(), t.accountId(), t.externalId(), t.mechanism(), t.isDeposit(), t.status(),
                t.comment(), t.amount(), t.totalAmount(), t.transferAtMs() == null ? null : Dates.iso(t.transferAtMs()),
                Dates.iso(t.createdAtMs()), clearing, t.createdBy());
    }

    /** Sends a transfer; a retried request (same key) answers the first one's transfer and moves nothing. */
    public Transfer send(Account account, String createdBy, Request r, FundingStore.RelationshipRow ach) {
        boolean ira = account.marginType() == MarginType.MarginIra;
        if (ira && !r.deposit() && !r.iraDistribution()) {
            throw Refusal.invalid("model.IraDistribution", "An IRA account's withdrawal needs an IraDistribution.");
        }
        if (r.holdDays() < 0 || r.holdDays() > HOLD_DAYS_MAX) {
            throw Refusal.invalid("model.DaysToHoldFunds", "DaysToHoldFunds is 0 to " + HOLD_DAYS_MAX + ".");
        }
        if (ach != null && !ach.status().equals("Approved")) {
            throw new Refusal.Conflict("The ACH relationship is " + ach.status() + "; only an Approved one can move money.");
        }
        String digest = Secrets.sha256(r.mechanism() + "|" + r.deposit() + "|" + (r.amount() == null ? "" : r.amount()
                .stripTrailingZeros().toPlainString()) + "|" + r.closeAccount() + "|" + r.achRelationshipId() + "|"
                + new TreeMap<>(r.details()));
        BigDecimal fee = FEES.getOrDefault(r.feeType(), BigDecimal.ZERO);
        BigDecimal amount = r.amount();
        if (amount == null) {
            if (!r.closeAccount() || r.deposit()) {
                throw Refusal.invalid("model.Amount", "Amount is required (dollars).");
            }
            amount = withdrawable.apply(account.id()).subtract(fee);
            if (amount.signum() <= 0) {
                throw new Refusal.Conflict("Nothing is withdrawable from account " + account.id() + ".");
            }
        }
        if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2
                || amount.add(fee).compareTo(AccountService.CASH_REQUEST_MAX) > 0) {
            throw Refusal.invalid("model.Amount", "Amount is a positive number of dollars and cents up to "
                    + AccountService.CASH_REQUEST_MAX.toPlainString() + ".");
        }
        BigDecimal total = r.deposit() ? amount.subtract(fee) : amount.add(fee);
        long now = market.nowMs();
        String id = UUID.randomUUID().toString();
        String ext = "TRF" + id.replace("-", "").substring(0, 12).toUpperCase(Locale.ROOT);
        FundingStore.TransferRow row = new FundingStore.TransferRow(id, account.id(), ext, r.mechanism(), r.deposit(),
                "Submitted", r.comment(), amount.stripTrailingZeros(), fee, total.stripTrailingZeros(),
                r.achRelationshipId(), json(r.details()), r.clientKey(), digest, createdBy, now,
                arrival(now, r.deposit() ? r.holdDays() : 0), null, null, null, null, null);
        FundingStore.CashMove hold = r.deposit() ? null
                : new FundingStore.CashMove(total.negate(), description(row, "withdrawal"));
        FundingStore.Created created = store.insertTransfer(row, hold, OPEN_PER_ACCOUNT_MAX)
                .orElseThrow(() -> new Refusal.Conflict("An account has at most " + OPEN_PER_ACCOUNT_MAX
                        + " open transfers."));
        FundingStore.TransferRow t = created.transfer();
        if (created.existing()) {
            if (!digest.equals(t.requestDigest())) {
                throw new Refusal.Conflict("This idempotency key was used for another transfer request.");
            }
            return model(t);
        }
        if (!r.deposit()) {
            t = awaitHold(t);
        }
        return model(t);
    }

    /**
     * Waits (at most {@link #HOLD_WAIT_MS}) for the engine to take or refuse a withdrawal's hold; a
     * refused one is Rejected and answered as the 409 it is.
     */
    private FundingStore.TransferRow awaitHold(FundingStore.TransferRow t) {
        long until = Monotonic.millis() + HOLD_WAIT_MS;
        while (Monotonic.millis() < until) {
            FundingStore.CashOutcome o = store.cashOutcome(t.holdRequestId()).orElseThrow();
            if (o.applied()) {
                return t;
            }
            if (!o.pending()) {
                String why = refusalText(o.outcome());
                store.move(t.id(), "Submitted", "Rejected", why, null, false, market.nowMs());
                throw new Refusal.Conflict(why);
            }
            try {
                Thread.sleep(HOLD_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return t;
    }

    static String refusalText(String outcome) {
        String s = outcome == null ? "refused" : outcome.replaceFirst("^refused: ", "");
        return s.length() > COMMENT_CHARS_MAX ? s.substring(0, COMMENT_CHARS_MAX) : s;
    }

    public Transfer get(Account account, String id) {
        return model(row(account, id));
    }

    FundingStore.TransferRow row(Account account, String id) {
        return store.transfer(account.id(), AchRelationships.guid(id))
                .orElseThrow(() -> new Refusal.NotFound("No transfer " + id + " in account " + account.id() + "."));
    }

    public PagedQuery.Page<Transfer> list(Account account, PagedQuery.Request request) {
        PagedQuery.Page<FundingStore.TransferRow> p = store.transfers(account.id(), request);
        return new PagedQuery.Page<>(p.rows().stream().map(this::model).toList(), p.total());
    }

    public Fee fees(Account account, String id) {
        FundingStore.TransferRow t = row(account, id);
        String type = feeType(t);
        return new Fee(type, t.fee(), t.fee(), BigDecimal.ZERO);
    }

    private static String feeType(FundingStore.TransferRow t) {
        String details = t.detailsJson();
        for (Map.Entry<String, BigDecimal> e : FEES.entrySet()) {
            if (details.contains("\"FeeType\":\"" + e.getKey() + "\"")) {
                return e.getKey();
            }
        }
        return t.mechanism();
    }

    /** The owner cancels a Submitted transfer; a withdrawal's hold is credited back. */
    public void cancel(Account account, String id, String comment) {
        FundingStore.TransferRow t = row(account, id);
        String c = AchRelationships.text("comment", "comment", comment, COMMENT_CHARS_MAX);
        if (!end(t, "Submitted", "Canceled", c)) {
            throw new Refusal.Conflict("Only a Submitted transfer can be canceled; this one is " + current(t) + ".");
        }
    }

    // ---- operators --------------------------------------------------------------------------------

    public Optional<FundingStore.TransferRow> byId(String id) {
        return store.transfer(AchRelationships.guid(id));
    }

    public List<FundingStore.TransferRow> open(int limit) {
        return store.open(limit);
    }

    private FundingStore.TransferRow operatorRow(String id) {
        try {
            return byId(id).orElseThrow(() -> new IllegalArgumentException("no transfer " + id));
        } catch (Refusal.Invalid e) {
            throw new IllegalArgumentException("a transfer id is a GUID, not '" + id + "'");
        }
    }

    /** An operator approves a Submitted transfer: it completes now (a deposit's funds are credited). */
    public FundingStore.TransferRow approve(String id) {
        FundingStore.TransferRow t = operatorRow(id);
        if (!complete(t, market.nowMs())) {
            throw new IllegalArgumentException("transfer " + id + " is " + current(t)
                    + (t.status().equals("Submitted") ? " and its hold is not applied yet; try again" : "")
                    + "; only a Submitted one can be approved");
        }
        return store.transfer(t.id()).orElseThrow();
    }

    /** An operator rejects a Submitted transfer (a withdrawal's hold is credited back). */
    public FundingStore.TransferRow reject(String id, String reason) {
        FundingStore.TransferRow t = operatorRow(id);
        if (!end(t, "Submitted", "Rejected", operatorReason(reason))) {
            throw new IllegalArgumentException("transfer " + id + " is " + current(t) + "; only a Submitted one can be rejected");
        }
        return store.transfer(t.id()).orElseThrow();
    }

    /**
     * An operator returns a Complete transfer (an ACH return): a deposit's funds are taken back, a
     * withdrawal's credited back, with the reason (e.g. {@code R01 Insufficient funds}).
     */
    public FundingStore.TransferRow returned(String id, String reason) {
        FundingStore.TransferRow t = operatorRow(id);
        if (!end(t, "Complete", "Returned", operatorReason(reason))) {
            throw new IllegalArgumentException("transfer " + id + " is " + current(t) + "; only a Complete one can be returned");
        }
        FundingStore.TransferRow returned = store.transfer(t.id()).orElseThrow();
        if (returned.isDeposit()) {
            awaitReturnDebit(returned);
        }
        return store.transfer(t.id()).orElseThrow();
    }

    /**
     * Waits (at most {@link #HOLD_WAIT_MS}) for the engine to take back a returned deposit's funds. The
     * engine refuses a debit the account cannot cover (the funds were withdrawn or spent); then the
     * return is undone at once — the transfer is Complete again, with the refusal as its comment — so
     * the money is never both back at the bank and still in the account. Without an answer in time
     * (no server running), the transfer clock undoes a refused return when the engine refuses it.
     *
     * @throws IllegalArgumentException when the engine refused the debit
     */
    private void awaitReturnDebit(FundingStore.TransferRow t) {
        long until = Monotonic.millis() + HOLD_WAIT_MS;
        while (Monotonic.millis() < until) {
            FundingStore.CashOutcome o = store.cashOutcome(t.reversalRequestId()).orElseThrow();
            if (o.applied()) {
                return;
            }
            if (!o.pending()) {
                throw new IllegalArgumentException("transfer " + t.id() + " stays Complete: " + undoRefusedReturn(t, o));
            }
            try {
                Thread.sleep(HOLD_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Undoes the return of a deposit whose debit the engine refused; returns why. */
    private String undoRefusedReturn(FundingStore.TransferRow t, FundingStore.CashOutcome refused) {
        String why = "return refused, the account cannot cover it: " + refusalText(refused.outcome());
        why = why.length() > COMMENT_CHARS_MAX ? why.substring(0, COMMENT_CHARS_MAX) : why;
        store.undoReturn(t.id(), why);
        return why;
    }

    private static String operatorReason(String reason) {
        try {
            return AchRelationships.text("reason", "a reason", reason, COMMENT_CHARS_MAX);
        } catch (Refusal.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private String current(FundingStore.TransferRow t) {
        return store.transfer(t.id()).map(FundingStore.TransferRow::status).orElse(t.status());
    }

    // ---- the moves ----------------------------------------------------------------------------------

    /** Completes a Submitted transfer (a deposit's credit; a withdrawal only once its hold is applied). */
    boolean complete(FundingStore.TransferRow t, long now) {
        if (t.isDeposit()) {
            return store.move(t.id(), "Submitted", "Complete", null,
                    new FundingStore.CashMove(t.totalAmount(), description(t, "deposit")), false, now);
        }
        FundingStore.CashOutcome hold = store.cashOutcome(t.holdRequestId()).orElseThrow();
        if (!hold.applied()) {
            return false;
        }
        return store.move(t.id(), "Submitted", "Complete", null, null, false, now);
    }

    /** Ends a transfer from {@code from} in {@code to}, reversing what it moved. */
    private boolean end(FundingStore.TransferRow t, String from, String to, String comment) {
        long now = market.nowMs();
        if (t.isDeposit()) {
            FundingStore.CashMove debit = from.equals("Complete")
                    ? new FundingStore.CashMove(t.totalAmount().negate(), description(t, "deposit " + to.toLowerCase(Locale.ROOT)))
                    : null;
            return store.move(t.id(), from, to, comment, debit, false, now);
        }
        FundingStore.CashOutcome hold = store.cashOutcome(t.holdRequestId()).orElseThrow();
        FundingStore.CashMove refund = new FundingStore.CashMove(t.totalAmount(),
                description(t, "withdrawal " + to.toLowerCase(Locale.ROOT)));
        if (hold.applied()) {
            return store.move(t.id(), from, to, comment, refund, false, now);
        }
        // The hold is not applied yet (its refund waits for it) or was refused (nothing to give back).
        return store.move(t.id(), from, to, comment, null, hold.pending(), now);
    }

    /** Whether contributions for the previous tax year are still taken (until April 15, market time). */
    public boolean previousYearContributionsOpen() {
        LocalDate today = Instant.ofEpochMilli(market.nowMs()).atZone(TradingCalendar.ZONE).toLocalDate();
        return today.getMonthValue() < 4 || (today.getMonthValue() == 4 && today.getDayOfMonth() <= 15);
    }

    /** One round of the clock's work: refused returns and holds, due reversals, due completions. */
    void tick(int limit) {
        long now = market.nowMs();
        for (FundingStore.TransferRow t : store.refusedReturns(limit)) {
            undoRefusedReturn(t, store.cashOutcome(t.reversalRequestId()).orElseThrow());
        }
        for (FundingStore.TransferRow t : store.refusedHolds(limit)) {
            String why = store.cashOutcome(t.holdRequestId()).map(o -> refusalText(o.outcome())).orElse("refused");
            store.move(t.id(), "Submitted", "Rejected", why, null, false, now);
        }
        for (FundingStore.TransferRow t : store.dueReversals(limit)) {
            FundingStore.CashOutcome hold = store.cashOutcome(t.holdRequestId()).orElseThrow();
            if (hold.applied()) {
                store.reverseDue(t.id(), new FundingStore.CashMove(t.totalAmount(),
                        description(t, "withdrawal " + t.status().toLowerCase(Locale.ROOT))), now);
            } else if (!hold.pending()) {
                store.dropDue(t.id());
            }
        }
        for (FundingStore.TransferRow t : store.due(now, limit)) {
            complete(t, now);
        }
    }

    /**
     * When funds arrive: the next session start (pre-market open of the next trading day, or of today
     * before it), then {@code holdDays} more trading days.
     */
    long arrival(long nowMs, int holdDays) {
        TradingCalendar cal = market.calendar();
        Instant now = Instant.ofEpochMilli(nowMs);
        LocalDate d = now.atZone(TradingCalendar.ZONE).toLocalDate();
        if (!cal.isTradingDay(d) || !cal.preMarketOpen(d).toInstant().isAfter(now)) {
            d = cal.nextTradingDay(d);
        }
        for (int i = 0; i < holdDays; i++) {
            d = cal.nextTradingDay(d);
        }
        return cal.preMarketOpen(d).toInstant().toEpochMilli();
    }

    private static String description(FundingStore.TransferRow t, String what) {
        return t.mechanism() + " " + what + " " + t.externalId();
    }

    private static String json(Map<String, Object> details) {
        Map<String, Object> sorted = new LinkedHashMap<>(new TreeMap<>(details));
        try {
            return Json.mapper().writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
