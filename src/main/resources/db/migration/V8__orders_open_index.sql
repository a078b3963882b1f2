-- The index on orders.status served no query (order lists filter within one account, through
-- orders_account) and every placement and status change paid for it in the trading shard's commit.
DROP INDEX orders_open;
