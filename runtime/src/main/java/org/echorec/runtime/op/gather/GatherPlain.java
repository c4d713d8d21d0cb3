package org.echorec.runtime.op.gather;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * Row gather (embedding lookup) and its scatter-add gradient. Bulk row copies are as fast as SIMD,
 * so there is no SIMD variant.
 *
 * <p>Note: race-free scatter. Ids repeat (popular items, padding), so threads split the table's rows,
 * not the ids: each thread scans all ids and adds only those in its own row range, in id order, which
 * also makes the sums deterministic whatever the thread count.
 */
public final class GatherPlain {
    private GatherPlain() {}

    public static void gather(Tensor table, Tensor ids, Tensor out) {
        int vocab = table.dim(0);
        int d = table.dim(1);
        long rowBytes = 4L * d;
        MemorySegment ts = Cpu.data(table);
        MemorySegment is = Cpu.data(ids);
        MemorySegment os = Cpu.data(out);
        Parallel.forRange(Math.toIntExact(ids.numel()), Math.max(1, 8192 / Math.max(1, d)), (from, to) -> {
            for (int i = from; i < to; i++) {
                int id = is.getAtIndex(JAVA_INT, i);
                checkId(id, vocab, i);
                MemorySegment.copy(ts, id * rowBytes, os, i * rowBytes, rowBytes);
            }
        });
    }

    public static void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table) {
        int vocab = table.dim(0);
        int d = table.dim(1);
        int n = Math.toIntExact(ids.numel());
        MemorySegment ts = Cpu.data(table);
        MemorySegment is = Cpu.data(ids);
        MemorySegment ss = Cpu.data(src);
        for (int i = 0; i < n; i++) {
            checkId(is.getAtIndex(JAVA_INT, i), vocab, i);
        }
        int minRows = n * (long) d < 1 << 16 ? vocab : 1;
        Parallel.forRange(vocab, minRows, (lo, hi) -> {
            for (int i = 0; i < n; i++) {
                int id = is.getAtIndex(JAVA_INT, i);
                if (id < lo || id >= hi || id == skipIndex) {
                    continue;
                }
                long t = (long) id * d;
                long s = (long) i * d;
                for (int j = 0; j < d; j++) {
                    ts.setAtIndex(JAVA_FLOAT, t + j, ts.getAtIndex(JAVA_FLOAT, t + j) + ss.getAtIndex(JAVA_FLOAT, s + j));
                }
            }
        });
    }

    private static void checkId(int id, int vocab, int position) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("gather: id " + id + " at position " + position
                    + " is outside the table [0, " + vocab + ")");
        }
    }
}
