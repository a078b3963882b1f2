package dev.crater.accounts;

import dev.crater.common.MarginType;
import java.math.BigDecimal;

/**
 * A trading account (reference 03-accounts.md §1): owned by a company, reached by users through
 * {@link AccessType} links. Commissions are the account's plan; orders may override them through
 * the documented {@code ExecutionInstructions}.
 *
 * @param perShareCommission dollars per share of an equity fill
 * @param perContractCommission dollars per option contract
 * @param openingRequestId the GUID of the opening request ({@code /details} {@code Id})
 * @param formData the opening form as a JSON string ({@code FormDataReference})
 * @param openedByUserId the user the account was opened for (the opening record's {@code User})
 */
public record Account(long id, long companyId, String clearingAccount, MarginType marginType, String ownerType,
        String currency, String clearingFirm, boolean enabled, BigDecimal perTradeCommission,
        BigDecimal perShareCommission, BigDecimal perContractCommission, String openingRequestId, String formData,
        long createdAtMs, long modifiedAtMs, long openedByUserId) {

    /** The documented access types; {@code Owner} appears in newer responses. */
    public enum AccessType {
        Full, ReadOnly, ClosePositionsOnly, Owner;

        /** May place orders that open or increase positions. */
        public boolean canTrade() {
            return this == Full || this == Owner;
        }

        /** May place orders at all (ClosePositionsOnly: only those that reduce a position). */
        public boolean canPlaceOrders() {
            return this != ReadOnly;
        }

        public static AccessType parse(String text) {
            if (text == null) {
                return null;
            }
            for (AccessType a : values()) {
                if (a.name().equalsIgnoreCase(text.trim())) {
                    return a;
                }
            }
            try {
                int n = Integer.parseInt(text.trim());
                return n >= 0 && n < values().length ? values()[n] : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public static final String PAPER_FIRM = "PaperTrading";
    public static final String INDIVIDUAL = "IndividualCustomer";
}
