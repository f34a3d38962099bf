"""Smaller CUDA libraries for bench/gpu_wheels.py: stand-ins for unused CUDA 12 libraries, fatbins cut to one GPU.

Stubs: qiskit-aer-gpu and lightning.gpu are CUDA 12 builds whose binaries (and cuStateVec's) name cuBLAS,
cuSPARSE, cuSOLVER, nvJitLink and cuTensorNet 12 as NEEDED: over 1.3 GiB of wheels that a state-vector run
never calls. A stub has the library's file name, soname and symbol version and defines the symbols its
consumers link to; its handle constructors succeed, everything else returns an error status, so a call
that does reach one fails loudly instead of computing.

Fatbins (opt-in, ``--keep-sm``): cuStateVec carries machine code for six GPU generations; the H200 runs
only the sm_90 one. Cutting the others would mean relinking, so their payloads are zeroed in place (the
headers, sizes and every offset stay as they were) and xz then packs them to nothing. The driver picks the
entry for its GPU by the headers; a container without an entry for the kept architecture is left whole.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass

FATBIN_MAGIC = 0xBA55ED50


@dataclass(frozen=True)
class Stub:
    path: str                   # where the real library sits in its wheel (the consumers' RPATH finds it there)
    version: str                # the symbol version the consumers ask for
    status: int = 7             # what an unsupported call returns (any non-zero status is an error)
    create: tuple[str, ...] = ()    # handle constructors: store a dummy handle, succeed
    succeed: tuple[str, ...] = ()   # destructors and stream setters: succeed
    fail: tuple[str, ...] = ()      # everything else the consumers link to


def _names(prefix, names):
    return tuple(prefix + name for name in names)


# The symbols each stub must define, read with `readelf -W --dyn-syms` and `readelf -V` from the pinned
# qiskit-aer-gpu 0.18.2 (controller_wrappers), pennylane-lightning-gpu 0.45.0 (lightning_gpu_ops) and
# custatevec-cu12 1.15.0; a library that is NEEDED but none of whose symbols is used gets an empty stub.
STUBS = {
    "cublas": Stub("nvidia/cublas/lib/libcublas.so.12", "libcublas.so.12", status=15,
                   create=("cublasCreate_v2",), succeed=("cublasDestroy_v2", "cublasSetStream_v2"),
                   fail=_names("cublas", ("Caxpy_v2", "Cdotc_v2", "Cgeam", "GemmEx", "Nrm2Ex", "ScalEx",
                                          "Zaxpy_v2", "Zdotc_v2", "Zgeam"))),
    "cublasLt": Stub("nvidia/cublas/lib/libcublasLt.so.12", "libcublasLt.so.12"),
    "cusparse": Stub("nvidia/cusparse/lib/libcusparse.so.12", "libcusparse.so.12", status=10,
                     create=("cusparseCreate",), succeed=("cusparseDestroy",),
                     fail=_names("cusparse", ("CreateCsr", "CreateDnVec", "DestroyDnVec", "DestroySpMat", "SpMV",
                                              "SpMV_bufferSize"))),
    "nvJitLink": Stub("nvidia/nvjitlink/lib/libnvJitLink.so.12", "libnvJitLink.so.12"),
    "cusolver": Stub("nvidia/cusolver/lib/libcusolver.so.11", "libcusolver.so.11"),
    "cutensornet": Stub("cuquantum/lib/libcutensornet.so.2", "libcutensornet.so.0", fail=_names("cutensornet", (
        "ContractSlices", "ContractionAutotune", "ContractionAutotunePreferenceSetAttribute", "ContractionOptimize",
        "ContractionOptimizerConfigSetAttribute", "ContractionOptimizerInfoGetAttribute",
        "ContractionOptimizerInfoGetPackedSize", "ContractionOptimizerInfoPackData", "Create",
        "CreateContractionAutotunePreference", "CreateContractionOptimizerConfig", "CreateContractionOptimizerInfo",
        "CreateContractionOptimizerInfoFromPackedData", "CreateContractionPlan", "CreateNetworkDescriptor",
        "CreateSliceGroupFromIDRange", "CreateWorkspaceDescriptor", "Destroy", "DestroyContractionAutotunePreference",
        "DestroyContractionOptimizerConfig", "DestroyContractionOptimizerInfo", "DestroyContractionPlan",
        "DestroyNetworkDescriptor", "DestroyWorkspaceDescriptor", "GetErrorString", "WorkspaceComputeContractionSizes",
        "WorkspaceGetMemorySize", "WorkspaceSetMemory"))),
    # aer alone runs its own kernels, and calls cuStateVec only with cuStateVec_enable=True
    "custatevec": Stub("cuquantum/lib/libcustatevec.so.1", "libcustatevec.so.0", fail=_names("custatevec", (
        "Abs2SumArray", "Abs2SumOnZBasis", "ApplyGeneralizedPermutationMatrix", "ApplyMatrix", "ApplyPauliRotation",
        "ComputeExpectationsOnPauliBasis", "Create", "Destroy", "GetErrorString", "SamplerCreate", "SamplerDestroy",
        "SamplerPreprocess", "SamplerSample", "SetDeviceMemHandler", "SetStream"))),
}


def stub_source(stub):
    lines = [f"/* {os.path.basename(stub.path)} stand-in for qfusion's GPU benchmark (bench/cuda_shrink.py) */",
             "static int handle;"]
    lines += [f"int {name}(void **out) {{ *out = &handle; return 0; }}" for name in stub.create]
    lines += [f"int {name}(void) {{ return 0; }}" for name in stub.succeed]
    lines += [f"int {name}(void) {{ return {stub.status}; }}" for name in stub.fail]
    return "\n".join(lines) + "\n"


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def stub_wheel(names, folder):
    """One wheel of the stubs ``names``, compiled here with cc, at the paths of the libraries they stand for."""
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            stub = STUBS[name]
            exported = stub.create + stub.succeed + stub.fail
            source, script, library = (os.path.join(tmp, name + ext) for ext in (".c", ".map", ".so"))
            with open(source, "w") as f:
                f.write(stub_source(stub))
            with open(script, "w") as f:
                f.write(f"{stub.version} {{ " + (f"global: {'; '.join(exported)}; " if exported else "") +
                        "local: *; };\n")
            subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O1", "-o", library, source,
                            f"-Wl,-soname,{os.path.basename(stub.path)}", f"-Wl,--version-script={script}"],
                           check=True)
            with open(library, "rb") as f:
                files[stub.path] = f.read()
    info = "qfusion_cuda12_stubs-1.dist-info"
    files[f"{info}/METADATA"] = b"Metadata-Version: 2.1\nName: qfusion-cuda12-stubs\nVersion: 1\n"
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: bench/cuda_shrink.py\nRoot-Is-Purelib: false\n"
                              b"Tag: py3-none-linux_x86_64\n")
    record = "".join(record_line(path, data) for path, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    path = os.path.join(folder, "qfusion_cuda12_stubs-1-py3-none-linux_x86_64.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in files.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            member.external_attr = 0o755 << 16
            out.writestr(member, data)
    return path


def fatbin_section(data):
    """(offset, size) of an ELF64's .nv_fatbin section in the file, or None."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strings = headers[shstrndx][4]
    for name, _type, _flags, _addr, offset, size, *_ in headers:
        if data[strings + name: data.index(b"\0", strings + name)] == b".nv_fatbin":
            return offset, size
    return None


def fatbin_entries(data, start, size):
    """Every container's entries in the fatbin section: [[(kind, arch, payload offset, payload size)]]."""
    containers, pos, end = [], start, start + size
    while pos + 16 <= end:
        magic, _version, header, body = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:
            pos += 8  # containers are 8-byte aligned
            continue
        entries, entry = [], pos + header
        while entry < pos + header + body:
            kind, _, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            arch, = struct.unpack_from("<I", data, entry + 28)
            entries.append((kind, arch, entry + entry_header, payload))
            entry += entry_header + payload
        containers.append(entries)
        pos += header + body
    return containers


def keep_one_arch(data, sm):
    """``data`` (a shared library) with the fatbin payloads of every other architecture zeroed, and the bytes saved."""
    section = fatbin_section(data)
    if section is None:
        return data, 0
    out, saved = bytearray(data), 0
    for entries in fatbin_entries(data, *section):
        if not any(arch == sm for _, arch, _, _ in entries):
            continue
        for _kind, arch, offset, payload in entries:
            if arch != sm:
                out[offset: offset + payload] = bytes(payload)
                saved += payload
    return bytes(out), saved
