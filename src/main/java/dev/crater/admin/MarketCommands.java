package dev.crater.admin;

import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.market.Market;
import dev.crater.market.MarketEvent;
import dev.crater.market.MarketSandbox;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin security …} (the securities master) and {@code crater admin market …} (sandbox
 * control of the simulated market). The market commands run the same {@link MarketSandbox} operations
 * as the operator routes of the API and are audited the same way (as {@code crater admin}). Changes
 * are stored and every running node picks them up within about a second.
 */
final class MarketCommands {

    private MarketCommands() {
    }

    /** Parses a duration as the sandbox does ({@link MarketSandbox#duration}). */
    static Duration duration(String text) {
        return MarketSandbox.duration(text);
    }

    /** Parses a price as the sandbox does ({@link MarketSandbox#price}). */
    static BigDecimal price(String text) {
        return MarketSandbox.price(text);
    }

    static Security security(Services s, String symbol) {
        return s.sandbox.security(symbol);
    }

    static String describe(Quote q) {
        return String.format(Locale.ROOT, "%s %s  bid %s x %d  ask %s x %d  last %s  vol %d  %s%s  (market time %s)",
                q.symbol(), q.session(), q.bid().toPlainString(), q.bidSize(), q.ask().toPlainString(), q.askSize(),
                q.last().toPlainString(), q.volume(), q.previousClose() == null ? "" : "prev close "
                        + q.previousClose().toPlainString(), q.halted() ? "  HALTED" : "", Instant.ofEpochMilli(q.timeMs()));
    }

    /** Base for commands on one security: {@code --symbol} names it. */
    abstract static class SecurityCommand extends AdminCommand.StoreCommand {
        @Option(names = "--symbol", required = true)
        String symbol;

        @Override
        final int run(Services s) {
            return run(s, security(s, symbol));
        }

        abstract int run(Services s, Security x);
    }

    // ---- securities ----------------------------------------------------------------------------

    @Command(name = "security", mixinStandardHelpOptions = true,
            description = "The securities master: list, show, add and change securities.",
            subcommands = {SecurityList.class, SecurityShow.class, SecurityAdd.class, SecuritySet.class})
    static final class SecurityCommands extends AdminCommand.Group {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List securities.")
    static final class SecurityList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--type", description = "Only this type (e.g. CommonStock, ETF).")
        String type;

        @Override
        int run(Services s) {
            System.out.printf("%-6s %-8s %-12s %-6s %-6s %s%n", "ID", "SYMBOL", "TYPE", "EXCH", "TRADE", "NAME");
            for (Security x : s.securities.snapshot().all()) {
                if (type != null && !x.type().name().equalsIgnoreCase(type)) {
                    continue;
                }
                System.out.printf("%-6d %-8s %-12s %-6s %-6s %s%n", x.id(), x.symbol(), x.type(), x.exchange(),
                        x.enabled() && x.allowTrade() ? "yes" : "no", x.description());
            }
            return 0;
        }
    }

    /** A security's fields as aligned "name: value" lines, decimals written plainly. */
    static String details(Security x) {
        StringBuilder b = new StringBuilder();
        java.util.function.BiConsumer<String, Object> line = (k, v) -> b.append(String.format("%-16s %s%n", k + ":", v));
        line.accept("Id", x.id());
        line.accept("Symbol", x.symbol());
        line.accept("Name", x.description());
        line.accept("Type", x.type());
        line.accept("Exchange", x.exchange());
        line.accept("Currency", x.currency());
        line.accept("Tick size", x.tickSize().stripTrailingZeros().toPlainString());
        line.accept("Reference price", x.referencePrice().setScale(Math.max(2, x.referencePrice().stripTrailingZeros().scale()),
                java.math.RoundingMode.UNNECESSARY).toPlainString());
        line.accept("Enabled", yesNo(x.enabled()));
        line.accept("Tradable", yesNo(x.allowTrade()));
        line.accept("Marginable", yesNo(x.allowMargin()));
        line.accept("Shortable", yesNo(x.allowShort()));
        line.accept("Optionable", yesNo(x.optionable()));
        line.accept("Origin", x.origin());
        line.accept("Added", Instant.ofEpochMilli(x.addedAtMs()));
        line.accept("Modified", Instant.ofEpochMilli(x.modifiedAtMs()));
        return b.toString();
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one security and its quote.")
    static final class SecurityShow extends SecurityCommand {
        @Override
        boolean audited() {
            return false;
        }


        @Override
        int run(Services s, Security x) {
            System.out.print(details(x));
            System.out.println(describe(s.market.quoteAt(x, s.market.nowMs())));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an internal security (ids from 1000 up); its simulated path starts at --price.")
    static final class SecurityAdd extends AdminCommand.StoreCommand {
        @Option(names = "--symbol", required = true)
        String symbol;
        @Option(names = "--name", required = true, description = "Description (company or fund name).")
        String name;
        @Option(names = "--exchange", defaultValue = "XNAS", description = "MIC, default XNAS.")
        String exchange;
        @Option(names = "--type", defaultValue = "CommonStock", description = "Security type name, default CommonStock.")
        String type;
        @Option(names = "--currency", defaultValue = "USD")
        String currency;
        @Option(names = "--price", required = true, description = "Reference (starting) price.")
        String price;
        @Option(names = "--tick-size", defaultValue = "0.01")
        String tickSize;
        @Option(names = "--no-trade", description = "Listed but not tradable (AllowTrade false).")
        boolean noTrade;
        @Option(names = "--no-margin")
        boolean noMargin;
        @Option(names = "--no-short")
        boolean noShort;
        @Option(names = "--optionable", description = "List option chains on it.")
        boolean optionable;

        @Override
        int run(Services s) {
            String sym = symbol.trim().toUpperCase(Locale.ROOT);
            if (!sym.matches("[A-Z0-9][A-Z0-9./-]{0,31}")) {
                throw new IllegalArgumentException("a symbol is 1-32 letters, digits, '.', '/' or '-'");
            }
            if (s.securities.snapshot().bySymbol(sym).isPresent()) {
                throw new IllegalArgumentException("symbol " + sym + " exists already");
            }
            SecurityType t = SecurityType.parse(type);
            if (t == null || t == SecurityType.Option) {
                throw new IllegalArgumentException("--type must be a security type name other than Option");
            }
            long now = s.clock.millis();
            Security added = s.securities.addOperatorSecurity(new Security(0, sym, name.trim(),
                    exchange.trim().toUpperCase(Locale.ROOT), currency.trim().toUpperCase(Locale.ROOT), t, 2, 0,
                    price(tickSize), true, !noTrade, !noMargin, !noShort, optionable, price(price),
                    Security.ORIGIN_OPERATOR, now, now));
            System.out.println("Added security " + added.id() + " " + added.symbol());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a security's flags or data.")
    static final class SecuritySet extends SecurityCommand {
        @Option(names = "--name")
        String name;
        @Option(names = "--exchange")
        String exchange;
        @Option(names = "--enabled", arity = "1")
        Boolean enabled;
        @Option(names = "--allow-trade", arity = "1")
        Boolean allowTrade;
        @Option(names = "--allow-margin", arity = "1")
        Boolean allowMargin;
        @Option(names = "--allow-short", arity = "1")
        Boolean allowShort;
        @Option(names = "--optionable", arity = "1")
        Boolean optionable;
        @Option(names = "--tick-size")
        String tickSize;

        @Override
        int run(Services s, Security x) {
            Security changed = new Security(x.id(), x.symbol(), name != null ? name.trim() : x.description(),
                    exchange != null ? exchange.trim().toUpperCase(Locale.ROOT) : x.exchange(), x.currency(), x.type(),
                    x.precision(), x.volumePrecision(), tickSize != null ? price(tickSize) : x.tickSize(),
                    enabled != null ? enabled : x.enabled(), allowTrade != null ? allowTrade : x.allowTrade(),
                    allowMargin != null ? allowMargin : x.allowMargin(), allowShort != null ? allowShort : x.allowShort(),
                    optionable != null ? optionable : x.optionable(), x.referencePrice(), x.origin(), x.addedAtMs(),
                    s.clock.millis());
            s.securities.update(changed);
            System.out.println("Updated " + changed.symbol());
            return 0;
        }
    }

    // ---- market sandbox ------------------------------------------------------------------------

    @Command(name = "market", mixinStandardHelpOptions = true,
            description = "Sandbox control of the simulated market (operators only).",
            subcommands = {MarketQuote.class, MarketSetPrice.class, MarketMove.class, MarketHalt.class,
                    MarketResume.class, MarketClear.class, MarketClock.class})
    static final class MarketCommandGroup extends AdminCommand.Group {
    }

    @Command(name = "quote", mixinStandardHelpOptions = true, description = "Print a security's quote now (market time).")
    static final class MarketQuote extends SecurityCommand {
        @Override
        boolean audited() {
            return false;
        }


        @Override
        int run(Services s, Security x) {
            System.out.println(describe(s.market.quoteAt(x, s.market.nowMs())));
            return 0;
        }
    }

    @Command(name = "set-price", mixinStandardHelpOptions = true,
            description = "Jump a security's price; the simulated path goes on from there.")
    static final class MarketSetPrice extends SecurityCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }

        @Option(names = "--price", required = true)
        String price;

        @Override
        int run(Services s, Security x) {
            long now = s.sandbox.setPrice(AuditLog.Actor.CLI, x, price(price));
            System.out.println(x.symbol() + " set to " + price + " at market time " + Instant.ofEpochMilli(now));
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Move a security's price along a path: --to P --over D, or --path 'P@D,P@D,…' "
                    + "(prices at offsets from now, e.g. '250@1m,240@5m').")
    static final class MarketMove extends SecurityCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }

        @Option(names = "--to", description = "Target price (with --over).")
        String to;
        @Option(names = "--over", description = "How long the move takes (with --to), e.g. 10m.")
        String over;
        @Option(names = "--path", description = "Comma-separated PRICE@OFFSET points.")
        String path;

        @Override
        int run(Services s, Security x) {
            List<MarketSandbox.PathStep> steps = new ArrayList<>();
            if (path != null) {
                for (String part : path.split(",")) {
                    String[] pd = part.trim().split("@");
                    if (pd.length != 2) {
                        throw new IllegalArgumentException("path points are PRICE@OFFSET, got '" + part + "'");
                    }
                    steps.add(new MarketSandbox.PathStep(price(pd[0]), duration(pd[1])));
                }
            } else if (to != null && over != null) {
                steps.add(new MarketSandbox.PathStep(price(to), duration(over)));
            } else {
                throw new IllegalArgumentException("give --to and --over, or --path");
            }
            List<MarketEvent.Point> points = s.sandbox.move(AuditLog.Actor.CLI, x, steps);
            System.out.println(x.symbol() + " moves along " + (points.size() - 1) + " point(s) from "
                    + Instant.ofEpochMilli(points.getFirst().atMs()));
            return 0;
        }
    }

    @Command(name = "halt", mixinStandardHelpOptions = true, description = "Halt trading in a security (price stands still).")
    static final class MarketHalt extends SecurityCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }


        @Override
        int run(Services s, Security x) {
            long now = s.sandbox.halt(AuditLog.Actor.CLI, x);
            System.out.println(x.symbol() + " halted at market time " + Instant.ofEpochMilli(now));
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a halted security.")
    static final class MarketResume extends SecurityCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }


        @Override
        int run(Services s, Security x) {
            s.sandbox.resume(AuditLog.Actor.CLI, x);
            System.out.println(x.symbol() + " resumed");
            return 0;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Forget every sandbox event of a security: it follows its plain simulated path again.")
    static final class MarketClear extends SecurityCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }


        @Override
        int run(Services s, Security x) {
            System.out.println("Removed " + s.sandbox.clear(AuditLog.Actor.CLI, x) + " event(s) of " + x.symbol());
            return 0;
        }
    }

    @Command(name = "clock", mixinStandardHelpOptions = true,
            description = "Show or move the simulated market clock: --jump 2h (or -30m), --set 2026-11-23T14:30:00Z,"
                    + " --to-open (the next regular session), --reset.")
    static final class MarketClock extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false; // MarketSandbox records the change (MARKET_*)
        }

        @Option(names = "--jump", description = "Move market time by this much (e.g. 2h, -1d).")
        String jump;
        @Option(names = "--set", description = "Set market time to this instant.")
        String set;
        @Option(names = "--reset", description = "Market time = real time again.")
        boolean reset;
        @Option(names = "--to-open", description = "Move market time forward to the next regular-session open"
                + " (unchanged while the regular session is open): trade now, whatever the real time.")
        boolean toOpen;

        @Override
        int run(Services s) {
            MarketSandbox.ClockState c;
            if (reset) {
                c = s.sandbox.clock(AuditLog.Actor.CLI, new MarketSandbox.ClockChange.Reset());
            } else if (set != null) {
                c = s.sandbox.clock(AuditLog.Actor.CLI, new MarketSandbox.ClockChange.SetTo(MarketSandbox.instant(set)));
            } else if (jump != null) {
                c = s.sandbox.clock(AuditLog.Actor.CLI, new MarketSandbox.ClockChange.Jump(duration(jump)));
            } else if (toOpen) {
                c = s.sandbox.clock(AuditLog.Actor.CLI, new MarketSandbox.ClockChange.ToOpen());
            } else {
                c = s.sandbox.clock();
            }
            if (reset || set != null || jump != null || toOpen) {
                awaitRunningServer();
            }
            System.out.println("market time " + Instant.ofEpochMilli(c.marketMs()) + " (" + newYork(c.marketMs())
                    + " New York, " + c.session() + "), offset " + Duration.ofMillis(c.offsetMs()));
            if (c.session() != Session.REGULAR) {
                System.out.println("the regular session opens " + newYork(s.market.calendar()
                        .nextRegularOpen(Instant.ofEpochMilli(c.marketMs())).toEpochMilli())
                        + " New York (market clock --to-open moves there)");
            }
            return 0;
        }

        /**
         * A server running on this store sees another process's clock change within
         * {@link dev.crater.market.Market#STATE_REVALIDATE_MS}; returning only after that window means the next
         * request (an order placed right after {@code --to-open}) is judged on the new clock, not the old one.
         */
        private static void awaitRunningServer() {
            try {
                Thread.sleep(Market.STATE_REVALIDATE_MS + 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static String newYork(long ms) {
            return java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT)
                    .format(Instant.ofEpochMilli(ms).atZone(TradingCalendar.ZONE));
        }
    }
}
