#!/usr/bin/env python3
"""Standalone reader and writer of the safetensors format, for F32, F64, I32 and I64 tensors.

The same layout as the Python `safetensors` package (which is not installable everywhere) and as
echorec's org.echorec.model.io.SafeTensors: an 8-byte little-endian header length N, N bytes of
UTF-8 JSON padded with spaces to a multiple of 8,

    {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}

then the tensors' little-endian bytes, packed in the order written (offsets relative to the data).

    load(path) -> ({name: (dtype, shape, values)}, metadata)
    save(path, {name: (dtype, shape, flat_values) or numpy array}, metadata=None)

`values` is a numpy array of the file's shape when numpy imports (use_numpy=None picks it then),
otherwise a flat list in row-major order. Files are validated as the safetensors package validates
them; a malformed file raises ValueError naming the file and the problem.

    python3 safetensors_io.py dump FILE      # names, dtypes, shapes, first values, metadata
    python3 safetensors_io.py selftest       # round trips with and without numpy
    python3 safetensors_io.py fixture DIR    # interop check with echorec's Java writer, see below

Interop check by hand (not part of any test suite):
    mvn -B -q test -pl model -Dtest=SafeTensorsTest#interopFixtureWhenAsked -Dechorec.interop.dir=/tmp/st
    python3 bench/pytorch/safetensors_io.py fixture /tmp/st     # checks java.safetensors, writes python.safetensors
    mvn -B -q test -pl model -Dtest=SafeTensorsTest#interopFixtureWhenAsked -Dechorec.interop.dir=/tmp/st
the second Java run also checks python.safetensors.
"""

import array
import json
import os
import struct
import sys
import tempfile

try:
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the machine
    _np = None

MAX_HEADER_BYTES = 100_000_000

# dtype -> (bytes per element, array/struct code, numpy little-endian dtype)
DTYPES = {
    "F32": (4, "f", "<f4"),
    "F64": (8, "d", "<f8"),
    "I32": (4, "i", "<i4"),
    "I64": (8, "q", "<i8"),
}
_NUMPY_TO_DTYPE = {"float32": "F32", "float64": "F64", "int32": "I32", "int64": "I64"}


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _bad(path, what):
    return ValueError("bad safetensors file %s: %s" % (path, what))


def _is_uint(x):
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def load(path, use_numpy=None):
    """Reads a safetensors file: ({name: (dtype, shape, values)} in file order, metadata dict)."""
    if use_numpy is None:
        use_numpy = _np is not None
    if use_numpy and _np is None:
        raise RuntimeError("numpy is not installed")
    with open(path, "rb") as f:
        data = f.read()
    size = len(data)
    if size < 8:
        raise _bad(path, "file is %d bytes, too short for the 8-byte header length" % size)
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > MAX_HEADER_BYTES:
        raise _bad(path, "header length %d exceeds the limit of %d bytes" % (n, MAX_HEADER_BYTES))
    if n > size - 8:
        raise _bad(path, "header length %d runs past the end of the file (%d bytes follow the length field)"
                   % (n, size - 8))
    raw = data[8:8 + n]
    if not raw.startswith(b"{"):
        raise _bad(path, "header does not start with '{'")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(path, "header is not valid UTF-8 (at byte %d of the header)" % e.start) from None

    def no_duplicates(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise _bad(path, "header is not valid JSON: duplicate key '%s'" % k)
            out[k] = v
        return out

    try:
        header = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise _bad(path, "header is not valid JSON: %s" % e) from None
    if not isinstance(header, dict):
        raise _bad(path, "header is not a JSON object")

    data_start = 8 + n
    data_len = size - data_start
    metadata = {}
    slots = []
    for order, (name, info) in enumerate(header.items()):
        if name == "__metadata__":
            if info is None:
                continue
            if not isinstance(info, dict):
                raise _bad(path, "__metadata__ is not a JSON object")
            for k, v in info.items():
                if not isinstance(v, str):
                    raise _bad(path, "__metadata__ value of '%s' is not a string" % k)
                metadata[k] = v
            continue
        what = "tensor '%s'" % name
        if not isinstance(info, dict):
            raise _bad(path, what + " is not a JSON object")
        dtype = info.get("dtype")
        if not isinstance(dtype, str):
            raise _bad(path, what + ' has no string "dtype"')
        if dtype not in DTYPES:
            raise _bad(path, "%s has dtype '%s': this reader handles %s" % (what, dtype, sorted(DTYPES)))
        shape = info.get("shape")
        if not isinstance(shape, list) or not all(_is_uint(d) for d in shape):
            raise _bad(path, "%s has shape %r: dimensions must be non-negative integers" % (what, shape))
        offsets = info.get("data_offsets")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_uint(o) for o in offsets):
            raise _bad(path, "%s has data_offsets %r: need [begin, end], non-negative integers" % (what, offsets))
        begin, end = offsets
        if begin > end or end > data_len:
            raise _bad(path, "%s has data_offsets [%d, %d] out of range of the %d-byte data area"
                       % (what, begin, end, data_len))
        needed = _numel(shape) * DTYPES[dtype][0]
        if needed != end - begin:
            raise _bad(path, "%s of shape %s %s needs %d bytes but data_offsets [%d, %d] hold %d"
                       % (what, shape, dtype, needed, begin, end, end - begin))
        slots.append((begin, end, order, name, dtype, shape))

    slots.sort()
    expected = 0
    previous = None
    for begin, end, _, name, _, _ in slots:
        if begin < expected:
            raise _bad(path, "tensor '%s' data_offsets [%d, %d] overlap tensor '%s' (which ends at %d)"
                       % (name, begin, end, previous, expected))
        if begin > expected:
            raise _bad(path, "gap of %d bytes before tensor '%s' at data_offsets [%d, %d]"
                       % (begin - expected, name, begin, end))
        expected = end
        previous = name
    if expected != data_len:
        raise _bad(path, "the data area has %d bytes but the tensors cover %d (truncated or trailing bytes)"
                   % (data_len, expected))

    tensors = {}
    for begin, end, _, name, dtype, shape in slots:
        width, code, np_dtype = DTYPES[dtype]
        chunk = data[data_start + begin:data_start + end]
        if use_numpy:
            values = _np.frombuffer(chunk, dtype=np_dtype).reshape(shape).copy()
        else:
            a = array.array(code)
            if a.itemsize != width:  # pragma: no cover - exotic platforms
                values = list(struct.unpack("<%d%s" % (_numel(shape), code), chunk))
            else:
                a.frombytes(chunk)
                if sys.byteorder != "little":  # pragma: no cover
                    a.byteswap()
                values = a.tolist()
        tensors[name] = (dtype, list(shape), values)
    return tensors, metadata


def _as_triple(name, value):
    """(dtype, shape, little-endian bytes) of a (dtype, shape, flat values) triple or a numpy array."""
    if _np is not None and isinstance(value, _np.ndarray):
        dtype = _NUMPY_TO_DTYPE.get(value.dtype.name)
        if dtype is None:
            raise ValueError("tensor '%s': numpy dtype %s is not one of %s" % (name, value.dtype, sorted(_NUMPY_TO_DTYPE)))
        arr = _np.ascontiguousarray(value, dtype=DTYPES[dtype][2])
        return dtype, [int(d) for d in value.shape], arr.tobytes()
    dtype, shape, values = value
    if dtype not in DTYPES:
        raise ValueError("tensor '%s': dtype %r is not one of %s" % (name, dtype, sorted(DTYPES)))
    shape = [int(d) for d in shape]
    if any(d < 0 for d in shape):
        raise ValueError("tensor '%s': negative dimension in shape %s" % (name, shape))
    if _np is not None and isinstance(values, _np.ndarray):
        values = values.reshape(-1)
    values = list(values)
    if len(values) != _numel(shape):
        raise ValueError("tensor '%s': %d values for shape %s" % (name, len(values), shape))
    _, code, _ = DTYPES[dtype]
    return dtype, shape, struct.pack("<%d%s" % (len(values), code), *values)


def to_bytes(tensors, metadata=None):
    """The file's bytes. `tensors` is a dict (insertion order = data order) or a list of (name, value) pairs."""
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, value in items:
        if name == "__metadata__" or not name:
            raise ValueError("invalid tensor name %r" % name)
        if name in header:
            raise ValueError("duplicate tensor name '%s'" % name)
        dtype, shape, blob = _as_triple(name, value)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save(path, tensors, metadata=None):
    """Writes a safetensors file atomically (temporary file in the same directory, fsync, rename)."""
    payload = to_bytes(tensors, metadata)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _flat(values):
    if _np is not None and isinstance(values, _np.ndarray):
        return values.reshape(-1).tolist()
    return list(values)


def _dump(path):
    tensors, metadata = load(path)
    print("metadata:", json.dumps(metadata, ensure_ascii=False))
    for name, (dtype, shape, values) in tensors.items():
        flat = _flat(values)
        more = " ..." if len(flat) > 8 else ""
        print("%s %s %s %s%s" % (name, dtype, shape, flat[:8], more))


def _selftest():
    import math
    tensors = {
        "f32": ("F32", [2, 3], [0.0, -0.0, 1.5, float("inf"), -3.25e-20, 7.0]),
        "f64": ("F64", [2], [math.pi, -1e300]),
        "i32": ("I32", [3], [-(2 ** 31), 2 ** 31 - 1, 5]),
        "i64": ("I64", [], [-(2 ** 63)]),
        "empty": ("F32", [3, 0], []),
    }
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.safetensors")
        save(p, tensors, {"format": "pt"})
        with open(p, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack_from("<Q", raw, 0)
        assert (8 + n) % 8 == 0
        for use_numpy in ([False, True] if _np is not None else [False]):
            got, meta = load(p, use_numpy=use_numpy)
            assert meta == {"format": "pt"}, meta
            assert list(got) == list(tensors), list(got)
            for name, (dtype, shape, values) in tensors.items():
                g_dtype, g_shape, g_values = got[name]
                assert (g_dtype, g_shape) == (dtype, shape), (name, g_dtype, g_shape)
                flat = _flat(g_values)
                if dtype == "F32":
                    values = list(struct.unpack("<%df" % len(values), struct.pack("<%df" % len(values), *values)))
                assert flat == values, (name, flat, values)
                if use_numpy:
                    assert list(g_values.shape) == shape
        if _np is not None:
            q = os.path.join(d, "np.safetensors")
            emb = _np.arange(12, dtype=_np.float32).reshape(4, 3)
            save(q, {"emb": emb, "ids": _np.array([1, 2], dtype=_np.int64)})
            back, _ = load(q)
            assert _np.array_equal(back["emb"][2], emb) and back["ids"][0] == "I64"
        bad = os.path.join(d, "bad.safetensors")
        with open(bad, "wb") as f:
            f.write(raw[:-1])
        try:
            load(bad)
            raise AssertionError("a truncated file was accepted")
        except ValueError as e:
            assert "bad.safetensors" in str(e), e
    print("selftest ok (numpy %s)" % ("yes" if _np is not None else "no"))


def fixture_tensors():
    """The interop fixture, the same values as SafeTensorsTest#interopFixtureWhenAsked."""
    return {
        "emb.weight": ("F32", [3, 4], [i * 0.25 - 1 for i in range(12)]),
        "f64": ("F64", [2], [3.141592653589793, -1e300]),
        "ids": ("I32", [5], [0, -1, 2 ** 31 - 1, -(2 ** 31), 7]),
        "step": ("I64", [], [2 ** 40 + 3]),
        "empty": ("F32", [0, 2], []),
    }


FIXTURE_METADATA = {"format": "pt", "note": "\u00fcn\u00ef \"q\""}


def _fixture(directory):
    expected = fixture_tensors()
    java = os.path.join(directory, "java.safetensors")
    if os.path.exists(java):
        for use_numpy in ([False, True] if _np is not None else [False]):
            got, meta = load(java, use_numpy=use_numpy)
            assert meta == FIXTURE_METADATA, meta
            assert list(got) == list(expected), list(got)
            for name, (dtype, shape, values) in expected.items():
                g_dtype, g_shape, g_values = got[name]
                assert (g_dtype, g_shape, _flat(g_values)) == (dtype, shape, values), (name, got[name])
        print("read %s: %d tensors and the metadata as expected" % (java, len(expected)))
    else:
        print("no %s yet" % java)
    save(os.path.join(directory, "python.safetensors"), expected, FIXTURE_METADATA)
    print("wrote %s" % os.path.join(directory, "python.safetensors"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        _dump(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "fixture":
        _fixture(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "selftest":
        _selftest()
    else:
        print(__doc__)
        sys.exit(2)
