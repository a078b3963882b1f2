package dev.crater.orders.engine;

/** Transaction type of TransactionMapModel (03-accounts.md §5). */
public enum TxType {
    Undefined, Commission, OrderExecution, OptionExpiration, Payment, ManualManipulation, Clearing, Rpl
}
