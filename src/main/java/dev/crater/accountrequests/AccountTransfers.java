package dev.crater.accountrequests;

import dev.crater.accounts.Account;
import dev.crater.common.Refusal;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ACATS account transfer requests (reference 03-accounts.md §3) against Crater's simulated clearing
 * firm: a request is created {@code NEW} for an account, {@code SUBMITTED} with its form, then moves
 * on the market clock — {@code PENDING} at the first session start (pre-market open of a trading
 * day) after its submission, {@code COMPLETE} at the next one — unless an operator approves
 * ({@code COMPLETE}) or rejects ({@code REJECTED}) it first, or its user cancels it
 * ({@code CANCELED}, while not final). Every change is in its {@code History}. The simulation moves
 * no assets: positions and cash move only through trading and funding.
 */
public final class AccountTransfers {

    /** Named limits. */
    public static final int FORM_CHARS_MAX = 20_000;
    public static final int COMMENT_CHARS_MAX = 500;
    public static final int OPEN_PER_ACCOUNT_MAX = 5;
    public static final int LIST_MAX = 200;
    public static final int HISTORY_MAX = 50;
    public static final int ADVANCE_PER_ROUND_MAX = 500;

    public static final String NEW = "NEW";
    public static final String SUBMITTED = "SUBMITTED";
    public static final String PENDING = "PENDING";
    public static final String COMPLETE = "COMPLETE";
    public static final String REJECTED = "REJECTED";
    public static final String CANCELED = "CANCELED";
    static final List<String> OPEN = List.of(NEW, SUBMITTED, PENDING);
    static final String CLEARING = "Clearing";

    private final AccountTransferStore store;
    private final Market market;
    private final InstantSource clock;

    public AccountTransfers(AccountTransferStore store, Market market, InstantSource clock) {
        this.store = store;
        this.market = market;
        this.clock = clock;
    }

    /** A request with its history. */
    public record Detailed(AccountTransferStore.Transfer transfer, List<AccountTransferStore.Change> history) {
    }

    private Detailed detailed(AccountTransferStore.Transfer t) {
        return new Detailed(t, store.history(t.id(), HISTORY_MAX));
    }

    static String comment(String text) {
        String c = text == null || text.isBlank() ? null : text.trim();
        if (c != null && (c.length() > COMMENT_CHARS_MAX || c.chars().anyMatch(Character::isISOControl))) {
            throw Refusal.invalid("model.Comment", "A comment is at most " + COMMENT_CHARS_MAX
                    + " printable characters.");
        }
        return c;
    }

    /** A new request for {@code account} by {@code userId} ({@link #OPEN_PER_ACCOUNT_MAX} open at most: 409). */
    public Detailed create(Account account, long userId, String by) {
        if (store.open(account.id()) >= OPEN_PER_ACCOUNT_MAX) {
            throw new Refusal.Conflict("At most " + OPEN_PER_ACCOUNT_MAX
                    + " transfer requests of an account may be open at once.");
        }
        long now = clock.millis();
        long acats = 1_000_000_000L + ThreadLocalRandom.current().nextLong(9_000_000_000L);
        AccountTransferStore.Transfer t = new AccountTransferStore.Transfer(UUID.randomUUID().toString(),
                account.id(), userId, NEW, UUID.randomUUID().toString(), acats, null, null, now, now);
        store.insert(t, by);
        return detailed(store.transfer(t.id()).orElseThrow());
    }

    public Optional<AccountTransferStore.Transfer> transfer(String id) {
        return store.transfer(id);
    }

    /** Submits a {@code NEW} request with its form (409 in any other status). */
    public void submit(AccountTransferStore.Transfer t, String formData, String by) {
        if (formData == null || formData.isBlank() || formData.length() > FORM_CHARS_MAX) {
            throw Refusal.invalid("model.FormDataReference", "FormDataReference is required (at most "
                    + FORM_CHARS_MAX + " characters).");
        }
        long now = clock.millis();
        if (!store.transition(t.id(), List.of(NEW), SUBMITTED, formData, market.nowMs(), by, null, now)) {
            throw new Refusal.Conflict("The transfer request is " + current(t) + "; only a NEW one can be submitted.");
        }
    }

    /** Cancels a request that is not final yet (409 once it is). */
    public void cancel(AccountTransferStore.Transfer t, String comment, String by) {
        String c = comment(comment);
        if (!store.transition(t.id(), OPEN, CANCELED, null, null, by, c, clock.millis())) {
            throw new Refusal.Conflict("The transfer request is " + current(t) + " and can no longer be canceled.");
        }
    }

    private String current(AccountTransferStore.Transfer t) {
        return store.transfer(t.id()).map(AccountTransferStore.Transfer::status).orElse(t.status());
    }

    /** Open requests (NEW, SUBMITTED, PENDING), oldest first, at most {@code limit} (operators). */
    public List<AccountTransferStore.Transfer> open(int limit) {
        return store.inStatus(OPEN, limit);
    }

    /** The requests of these accounts, newest first, with their histories. */
    public List<Detailed> ofAccounts(List<Long> accountIds) {
        return store.ofAccounts(accountIds, LIST_MAX).stream().map(this::detailed).toList();
    }

    /**
     * The operator's (the simulated clearing firm's) decision on an open request.
     *
     * @throws IllegalArgumentException when there is no such request or it is final
     */
    public AccountTransferStore.Transfer decide(String id, boolean approve, String comment) {
        String c;
        try {
            c = comment(comment);
        } catch (Refusal.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        AccountTransferStore.Transfer t = store.transfer(id)
                .orElseThrow(() -> new IllegalArgumentException("no transfer request " + id));
        if (!store.transition(id, List.of(SUBMITTED, PENDING), approve ? COMPLETE : REJECTED, null, null, CLEARING,
                c, clock.millis())) {
            throw new IllegalArgumentException("transfer request " + id + " is " + current(t)
                    + ", not submitted and open");
        }
        return store.transfer(id).orElseThrow();
    }

    /** The first session start (pre-market open of a trading day) strictly after {@code ms}. */
    long nextSessionStart(long ms) {
        LocalDate d = market.model().dateAt(ms);
        PathModel.Day day = market.model().day(d);
        if (day != null && day.preOpenMs() > ms) {
            return day.preOpenMs();
        }
        return market.model().day(market.calendar().nextTradingDay(d)).preOpenMs();
    }

    /** Moves submitted requests on the market clock (the housekeeping); returns how many moved. */
    public int advance() {
        long now = market.nowMs();
        int moved = 0;
        for (AccountTransferStore.Transfer t : store.inStatus(List.of(SUBMITTED, PENDING), ADVANCE_PER_ROUND_MAX)) {
            if (t.submittedAtMs() == null) {
                continue;
            }
            long pendingAt = nextSessionStart(t.submittedAtMs());
            long completeAt = nextSessionStart(pendingAt);
            if (t.status().equals(SUBMITTED) && now >= pendingAt && now < completeAt) {
                moved += store.transition(t.id(), List.of(SUBMITTED), PENDING, null, null, CLEARING, null,
                        clock.millis()) ? 1 : 0;
            } else if (now >= completeAt) {
                moved += store.transition(t.id(), List.of(SUBMITTED, PENDING), COMPLETE, null, null, CLEARING, null,
                        clock.millis()) ? 1 : 0;
            }
        }
        return moved;
    }
}
