package org.echorec.runtime.op.fft;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cufft.cufft_h;
import org.echorec.runtime.backend.cuda.CudaBackend;

/**
 * cuFFT plans of batched 1-D real transforms, cached by (type, n, batch) on the backend's stream.
 *
 * <p>Note: plan cache. A plan costs milliseconds to make and holds its own work area (cuFFT allocates
 * it, outside the caching allocator), and a training run sees a handful of shapes (the batch, the last
 * smaller batch, evaluation), so plans are kept, at most {@link #CAPACITY}, least recently used first
 * out. A plan is destroyed only after the stream has drained, since queued transforms may still use it.
 * One cache per process: the CUDA backend is a process-wide singleton on one device.
 */
final class CufftPlans {
    static final int CAPACITY = 16;

    record Key(int type, int n, int batch) {}

    private final Map<Key, Integer> plans = new LinkedHashMap<>(16, 0.75f, true);

    /** The plan for {@code batch} contiguous transforms of length n (R2C: n reals → n/2+1 complex; C2R back). */
    synchronized int plan(CudaBackend backend, int type, int n, int batch) {
        Key key = new Key(type, n, batch);
        Integer plan = plans.get(key);
        if (plan != null) {
            return plan;
        }
        if (plans.size() >= CAPACITY) {
            evictOldest(backend);
        }
        backend.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment dims = arena.allocateFrom(ValueLayout.JAVA_INT, n);
            // inembed/onembed NULL: contiguous signals, distance n reals or n/2+1 complex between them
            CudaCheck.cufft(cufft_h.cufftPlanMany(handle, 1, dims, MemorySegment.NULL, 1, 0, MemorySegment.NULL, 1, 0,
                    type, batch), "cufftPlanMany(n=" + n + ", batch=" + batch + ")");
            int h = handle.get(ValueLayout.JAVA_INT, 0);
            CudaCheck.cufft(cufft_h.cufftSetStream(h, backend.stream()), "cufftSetStream");
            plans.put(key, h);
            return h;
        }
    }

    private void evictOldest(CudaBackend backend) {
        Iterator<Map.Entry<Key, Integer>> it = plans.entrySet().iterator();
        Map.Entry<Key, Integer> oldest = it.next();
        it.remove();
        backend.synchronize();
        CudaCheck.cufft(cufft_h.cufftDestroy(oldest.getValue()), "cufftDestroy");
    }
}
