package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.SCALE;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Order verification of the {@link Engine}: a Place checked and priced without changing state.
 */
final class Verifier {
    private final EngineState state;
    private OrderEntry orderEntry;

    Verifier(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(OrderEntry orderEntry) {
        this.orderEntry = orderEntry;
    }

    /**
     * Runs every check of a Place and estimates its costs without changing state: VerifyOrderModel's Commission,
     * Commissions, Cost, NetCost and MarginChange (see {@link Verification}).
     */
    Verification verify(Command.Place p) {
        long savedT = state.t;
        state.t = p.timeMs();
        try {
            OrderEntry.Prepared pr = orderEntry.prepare(p);
            if (pr.code != null) {
                return new Verification(false, pr.code, pr.text, 0, Map.of(), 0, 0, 0);
            }
            Order r = pr.root;
            long perTrade = 0;
            long perUnit = 0;
            long cost = 0;
            boolean debit = true;
            switch (r.kind) {
                case Single -> {
                    long units = r.quantity / SCALE;
                    perTrade = r.perTrade;
                    perUnit = Risk.unitFee(r.perUnit, 0, units);
                    cost = Risk.principal(r.reservePrice, units, r.instrument.contractSize());
                    debit = r.isBuy();
                }
                case ConditionalRoot -> {
                    for (Order leg : r.legs) {
                        if (leg.status != OrderStatus.New) {
                            continue;
                        }
                        long units = leg.quantity / SCALE;
                        perTrade += leg.perTrade;
                        perUnit += Risk.unitFee(leg.perUnit, 0, units);
                        cost += Risk.principal(leg.reservePrice, units, leg.instrument.contractSize());
                        debit = leg.isBuy();
                    }
                }
                default -> {
                    long spreads = r.quantity / SCALE;
                    long net = 0;
                    perTrade = r.perTrade;
                    for (Order leg : r.legs) {
                        long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
                        perUnit += Risk.unitFee(leg.perUnit, 0, units);
                        long v = Risk.principal(leg.reservePrice, units, leg.instrument.contractSize());
                        net += leg.isBuy() ? v : -v;
                    }
                    cost = Math.abs(net);
                    debit = net >= 0;
                }
            }
            long commission = perTrade + perUnit;
            Map<String, Long> map = new LinkedHashMap<>();
            map.put(Fee.PER_TRADE, perTrade);
            map.put(Fee.PER_CONTRACT, perUnit);
            long netCost = debit ? cost + commission : cost - commission;
            return new Verification(true, null, null, commission, map, cost, netCost, pr.requirement);
        } finally {
            state.t = savedT;
        }
    }
}
