package org.echorec.runtime.op.select;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * Row-wise top-k by a bounded min-heap: O(n log k) per row, one pass over the scores, no copy of
 * the row. The heap's root is the worst kept entry, so most scores of a long row cost one compare.
 */
public final class TopKPlain {
    private TopKPlain() {}

    public static void topK(Tensor x, int k, Tensor values, Tensor indices) {
        int rows = x.dim(0);
        int n = x.dim(1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment vs = Cpu.data(values);
        MemorySegment is = Cpu.data(indices);
        Parallel.forRange(rows, Math.max(1, 65536 / Math.max(1, n)), (from, to) -> {
            float[] heapValues = new float[k];
            int[] heapIndex = new int[k];
            for (int r = from; r < to; r++) {
                selectRow(xs, (long) r * n, n, k, heapValues, heapIndex);
                for (int j = k - 1; j >= 0; j--) {
                    // popping the worst first fills the output from its end
                    vs.setAtIndex(JAVA_FLOAT, (long) r * k + j, heapValues[0]);
                    is.setAtIndex(JAVA_INT, (long) r * k + j, heapIndex[0]);
                    heapValues[0] = heapValues[j];
                    heapIndex[0] = heapIndex[j];
                    siftDown(heapValues, heapIndex, 0, j);
                }
            }
        });
    }

    private static void selectRow(MemorySegment xs, long base, int n, int k, float[] hv, int[] hi) {
        for (int i = 0; i < k; i++) {
            hv[i] = xs.getAtIndex(JAVA_FLOAT, base + i);
            hi[i] = i;
            siftUp(hv, hi, i);
        }
        for (int i = k; i < n; i++) {
            float v = xs.getAtIndex(JAVA_FLOAT, base + i);
            if (better(v, i, hv[0], hi[0])) {
                hv[0] = v;
                hi[0] = i;
                siftDown(hv, hi, 0, k);
            }
        }
    }

    /** Ranks a above b: larger value, then smaller index; NaN ranks below every number. */
    static boolean better(float a, int ia, float b, int ib) {
        boolean aNaN = Float.isNaN(a);
        boolean bNaN = Float.isNaN(b);
        if (aNaN || bNaN) {
            return aNaN == bNaN ? ia < ib : bNaN;
        }
        return a > b || a == b && ia < ib;
    }

    private static void siftUp(float[] hv, int[] hi, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(hv[parent], hi[parent], hv[i], hi[i])) {
                break;
            }
            swap(hv, hi, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] hv, int[] hi, int i, int size) {
        while (true) {
            int worst = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && better(hv[worst], hi[worst], hv[left], hi[left])) {
                worst = left;
            }
            if (right < size && better(hv[worst], hi[worst], hv[right], hi[right])) {
                worst = right;
            }
            if (worst == i) {
                return;
            }
            swap(hv, hi, i, worst);
            i = worst;
        }
    }

    private static void swap(float[] hv, int[] hi, int a, int b) {
        float v = hv[a];
        hv[a] = hv[b];
        hv[b] = v;
        int t = hi[a];
        hi[a] = hi[b];
        hi[b] = t;
    }
}
