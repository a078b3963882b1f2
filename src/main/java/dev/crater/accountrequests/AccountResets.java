package dev.crater.accountrequests;

import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.common.Refusal;
import dev.crater.orders.TradingService;
import dev.crater.orders.engine.Event;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paper-account resets: the account keeps its id, its users and their tokens; its live orders are
 * canceled, its positions closed at their marks, and its cash set back to its starting cash with one
 * {@code Payment} line "Account reset" in its transactions — all one engine command
 * ({@code Command.Reset}), stored in one transaction with the reset request marked applied, so a
 * request is applied exactly once even when both the owner's call and the housekeeping offer it.
 *
 * <p>Each reset is first stored as a request: the owner's API call applies its own at once and waits
 * for it; {@code crater admin account reset} only stores one, and the node running the account's
 * trading shard applies it within about a second ({@link #applyPending}).
 */
public final class AccountResets {

    private static final Logger LOG = LoggerFactory.getLogger(AccountResets.class);

    /** Named limits. */
    public static final int PENDING_PER_ROUND_MAX = 100;
    public static final String DESCRIPTION = "Account reset";

    /** What a reset did. */
    public record Outcome(long requestId, long accountId, BigDecimal cash, int canceledOrders, int closedPositions,
            boolean applied, String refusal) {
    }

    private final AccountRequestStore store;
    private final AccountService accounts;
    private final TradingService trading;
    private final InstantSource clock;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    public AccountResets(AccountRequestStore store, AccountService accounts, TradingService trading,
            InstantSource clock) {
        this.store = store;
        this.accounts = accounts;
        this.trading = trading;
        this.clock = clock;
    }

    /** The cash a reset restores: what the account opened with. */
    public static BigDecimal startingCash(Account account) {
        return AccountService.startingCash(account);
    }

    private static void paperOnly(Account account) {
        if (!Account.PAPER_FIRM.equals(account.clearingFirm())) {
            throw new Refusal.Conflict("Only paper trading accounts can be reset.");
        }
    }

    /**
     * Stores a reset request of {@code account} for {@code userId} (the closing orders' user) and
     * returns its id; the server applies it ({@link #applyPending}).
     *
     * @throws Refusal.Conflict for an account that is not a paper account
     */
    public long request(Account account, long userId, String requestedBy) {
        paperOnly(account);
        return store.insertReset(account.id(), userId, startingCash(account), requestedBy, clock.millis());
    }

    /**
     * The owner's reset: stored, applied at once on this node (which runs the account's shard), waited
     * for. Refused (503, nothing stored) while a deposit or withdrawal of the account waits for the
     * engine: applied after the reset it would leave the account off its starting cash.
     */
    public Outcome resetNow(Account account, long userId, String requestedBy) {
        paperOnly(account);
        if (accounts.cashPending(account.id())) {
            throw new Refusal.Unavailable("A deposit or withdrawal of this account is being applied; try again"
                    + " shortly.");
        }
        BigDecimal cash = startingCash(account);
        long id = store.insertReset(account.id(), userId, cash, requestedBy, clock.millis());
        return apply(id, account.id(), userId, cash);
    }

    private Outcome apply(long id, long accountId, long userId, BigDecimal cash) {
        if (!inFlight.add(id)) {
            throw new Refusal.Unavailable("This reset is being applied; try again shortly.");
        }
        try {
            List<Event> events = trading.reset(accountId, userId, cash, DESCRIPTION, id);
            if (events.isEmpty()) {
                // Applied already (by the housekeeping): what it did is in the store.
                Optional<AccountRequestStore.Reset> r = store.reset(id);
                return new Outcome(id, accountId, cash, 0, 0, r.map(x -> x.appliedAtMs() != null).orElse(false), null);
            }
            int canceled = 0;
            Set<Long> closed = new HashSet<>();
            String refusal = null;
            for (Event e : events) {
                switch (e) {
                    case Event.Canceled c -> canceled += c.accountId() == accountId ? 1 : 0;
                    case Event.Fill f -> closed.add(f.orderId());
                    case Event.Rejected r when r.ref() == id -> refusal = r.text();
                    default -> {
                    }
                }
            }
            return new Outcome(id, accountId, cash, canceled, closed.size(), refusal == null, refusal);
        } finally {
            inFlight.remove(id);
        }
    }

    /** Applies stored reset requests of the accounts whose trading shard runs here (the housekeeping). */
    public void applyPending() {
        for (AccountRequestStore.Reset r : store.pendingResets(PENDING_PER_ROUND_MAX)) {
            if (!trading.local(r.accountId()) || inFlight.contains(r.id()) || accounts.cashPending(r.accountId())) {
                continue; // another node's, being applied, or after the account's cash requests (next round)
            }
            try {
                apply(r.id(), r.accountId(), r.userId(), r.startingCash());
                LOG.info("account {} reset (request {})", r.accountId(), r.id());
            } catch (RuntimeException e) {
                LOG.warn("account reset request {} not applied yet: {}", r.id(), e.toString());
            }
        }
    }
}
