package dev.crater.reference;

/** The documented security types (reference 06-securities.md §6); the wire number is the ordinal. */
public enum SecurityType {
    BankersAcceptance, CertificateOfDeposit, CollateralizeMortgageObligation, CorporateBond, CommercialPaper,
    CorporatePrivatePlacement, CommonStock, FederalHousingAuthority, FederalHomeLoan,
    FederalNationalMortgageAssociation, ForeignExchangeContract, Future, GovernmentNationalMortgageAssociation,
    TreasuriesPlusAgencyDebenture, MutualFund, MortgageInterestOnly, MortgagePrincipleOnly,
    MortgagePrivatePlacement, MiscellaneousPassThru, MunicipalBond, NoIsitcSecurityType, Option, PreferredStock,
    RepurchaseAgreement, ReverseRepurchaseAgreement, StudentLoanMarketingAssociation, TimeDeposit, UsTreasuryBill,
    Warrant, CatsTigersLions, WildcardEntry, ConvertibleBond, MortgageIoette, Index, FakeStockForNonStandartOption,
    Right, Cryptocurrency, ETF, DepositoryReceipt, CoveredWarrant, Unit;

    /** By name (any case) or documented number; null when neither. */
    public static SecurityType parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        for (SecurityType s : values()) {
            if (s.name().equalsIgnoreCase(t)) {
                return s;
            }
        }
        try {
            int n = Integer.parseInt(t);
            return n >= 0 && n < values().length ? values()[n] : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
