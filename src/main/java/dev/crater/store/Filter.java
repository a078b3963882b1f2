package dev.crater.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A parsed {@code filter} expression (reference 00-conventions.md §5): comparisons of a field with
 * literals, joined by {@code and} / {@code or}, negated by {@code not}, grouped by parentheses.
 * Every node remembers where it started in the text, for error messages.
 */
public sealed interface Filter {

    int position();

    record And(List<Filter> parts, int position) implements Filter {
    }

    record Or(List<Filter> parts, int position) implements Filter {
    }

    record Not(Filter inner, int position) implements Filter {
    }

    /** {@code Field op value} for op one of =, !=, <, >, <=, >=, contains, startsWith, endsWith. */
    record Compare(String field, Op op, Literal value, int position) implements Filter {
    }

    /** {@code Field in (v1, v2, …)}. */
    record In(String field, List<Literal> values, int position) implements Filter {
    }

    /** {@code Field between low and high}, both ends included. */
    record Between(String field, Literal low, Literal high, int position) implements Filter {
    }

    enum Op {
        EQ("="), NE("!="), LT("<"), GT(">"), LE("<="), GE(">="), CONTAINS("contains"), STARTS_WITH("startsWith"),
        ENDS_WITH("endsWith");

        final String text;

        Op(String text) {
            this.text = text;
        }

        boolean isText() {
            return this == CONTAINS || this == STARTS_WITH || this == ENDS_WITH;
        }
    }

    /** A literal as written: a number, a 'string', true/false, null, or a #date-time#. */
    sealed interface Literal {
        int position();

        record Number(BigDecimal value, int position) implements Literal {
        }

        record Text(String value, int position) implements Literal {
        }

        record Bool(boolean value, int position) implements Literal {
        }

        record Null(int position) implements Literal {
        }

        record DateTime(Instant value, int position) implements Literal {
        }
    }
}
