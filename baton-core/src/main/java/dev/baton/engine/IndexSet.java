package dev.baton.engine;

import java.util.BitSet;

/**
 * An immutable set of item indexes, stored as ranges ({@code "0-4999,5001,5003-9999"}). Items start in list order
 * and finish roughly in it, so the succeeded items of a 10,000-item fan-out are a handful of ranges: the instance's
 * state stays small however long the list is.
 */
public final class IndexSet {
    /** The set with no index. */
    public static final IndexSet EMPTY = new IndexSet(new BitSet());

    private final BitSet bits;

    private IndexSet(BitSet bits) {
        this.bits = bits;
    }

    public boolean contains(int index) {
        return bits.get(index);
    }

    public int size() {
        return bits.cardinality();
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /** This set and {@code index}. */
    public IndexSet with(int index) {
        if (bits.get(index)) {
            return this;
        }
        BitSet copy = (BitSet) bits.clone();
        copy.set(index);
        return new IndexSet(copy);
    }

    /** The lowest index at or after {@code from} that is in this set and not in {@code other}; -1 if none. */
    int nextNotIn(IndexSet other, int from) {
        BitSet rest = (BitSet) bits.clone();
        rest.andNot(other.bits);
        return rest.nextSetBit(from);
    }

    /** Every index in this set, in order. */
    public int[] toArray() {
        return bits.stream().toArray();
    }

    /** Reads what {@link #toString()} writes. */
    public static IndexSet parse(String ranges) {
        BitSet bits = new BitSet();
        if (ranges == null || ranges.isBlank()) {
            return EMPTY;
        }
        for (String range : ranges.split(",")) {
            int dash = range.indexOf('-');
            if (dash < 0) {
                bits.set(Integer.parseInt(range.trim()));
            } else {
                bits.set(
                        Integer.parseInt(range.substring(0, dash).trim()),
                        Integer.parseInt(range.substring(dash + 1).trim()) + 1);
            }
        }
        return new IndexSet(bits);
    }

    /** The ranges, e.g. {@code "0-4999,5001"}; empty for the empty set. */
    @Override
    public String toString() {
        var sb = new StringBuilder();
        int start = bits.nextSetBit(0);
        while (start >= 0) {
            int end = bits.nextClearBit(start) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(start);
            if (end > start) {
                sb.append('-').append(end);
            }
            start = bits.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexSet s && bits.equals(s.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }
}
