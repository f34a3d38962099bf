#!/usr/bin/env python3
"""Carry bench_gpu.py's peers to the GPU machine as wheels, in bundles that fit one device call each.

The device machine has CUDA 13 and no network; each call carries at most 64 MiB. Here (network, pip, and a
C compiler when a CUDA 12 peer is chosen):

    python bench/gpu_wheels.py stage --peers aer_gpu      # download, slim, pack .whl/call1 ..., print the calls
    python bench/gpu_wheels.py stage --peers aer_gpu,lightning_gpu --keep-sm 90    # both in one bundle
    python bench/gpu_wheels.py stage --peers cudaq --keep-sm 90                    # one bundle (two without)

There, one `run` call per bundle, back to back (a warm machine keeps /tmp only 30 s after a call):

    python3 bench/gpu_wheels.py gather .whl/call1         # the call's parts into /tmp/wheels
    python3 bench/gpu_wheels.py install                   # rejoin, check, pip install --target /tmp/site, /tmp/site12

``stage`` prints each call's command, carry list and timeout: the last bundle's call runs
``bench/gpu_check.sh check`` (the GPU tests and kernel passes, 350 s), the next ``gpu_check.sh bench``
(qfusion's benchmarks without peers, 290 s), and one more installs the peers and runs bench/gpu_peers.sh at
n = 28 in the 2-3 minutes a 15-minute session has left; ``--no-gpu-check`` puts the install and
gpu_peers.sh (n = 26, 28) in the last bundle's call instead, for a session of the peers alone. The peers' install directories reach only bench/gpu_peers.py's
worker processes (BENCH_PEER_PATH): the GPU tests and qfusion's rows see the machine's packages alone.

How the bytes are saved: members a GPU run never loads are left out of a wheel (CUDA-Q's remote-QPU plugins,
lightning.qubit's binaries, headers), every wheel is stored uncompressed and all of them are packed into one
xz archive (CUDA-Q's MLIR library shrinks from 53 to 36 MiB), split into parts of ``--bundle-mib``.
qiskit-aer-gpu and lightning.gpu exist only for CUDA 12 and link to CUDA 12 libraries of over 1.3 GiB that a
state-vector run never calls: bench/cuda_shrink.py builds stubs for those here (a C compiler is needed); the
CUDA 12 runtime (libcudart.so.12, which driver 580 runs) and cuStateVec are the real ones. ``--keep-sm 90``
also zeroes the machine code for other GPUs in the carried fatbins (48 of cuStateVec 13's 65 MiB, 90 of
cuStateVec 12's 114, 17 of aer's 28); it has not run on a GPU yet. Packed sizes: RESULTS.md, "GPU peers".
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cuda_shrink import STUBS, keep_one_arch, record_line, stub_wheel  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STAGE = os.path.join(ROOT, ".whl")  # ignored by .gitignore; `run` carries .whl/callK
BASE = os.environ.get("GPU_WHEELS_BASE", "/tmp")  # another base only to rehearse the device side elsewhere
WHEELS_THERE = os.path.join(BASE, "wheels")
TARGETS = {"cu13": os.path.join(BASE, "site"), "cu12": os.path.join(BASE, "site12")}  # two libcustatevec.so.1 builds
ARCHIVE = "peers.tar.xz"
MIB = 1 << 20
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "manylinux1_x86_64")


@dataclass(frozen=True)
class Wheel:
    requirement: str            # name==version, for CPython 3.12 on manylinux x86_64 (the machine's python3)
    group: str                  # "cu13" or "cu12": which --target it installs into
    drop: tuple[str, ...] = ()  # members a GPU state-vector run never loads (fnmatch patterns)


CUDAQ = (
    Wheel("cuda-quantum-cu13==0.16.0.post1", "cu13", drop=(
        "cuda_quantum_cu13.libs/libqrmi-*", "lib/libcudaq-serverhelper-*", "lib/libcudaq-*-qpu.so",
        "lib/libnvqir-tensornet*", "lib/libnvqir-dynamics.so", "lib/libnvqir-nvidia-mgpu*",
        "lib/libmpfr.so", "lib/libmpfr.so.6.*", "lib/libgmp.so", "lib/libgmp.so.10.*",  # copies of .so.6 / .so.10
        "lib/*.a", "lib/cmake/*", "include/*")),
    Wheel("custatevec-cu13==1.14.0", "cu13", drop=("cuquantum/include/*",)),  # cuda-quantum asks ~=1.14.0
    Wheel("astpretty==3.0.0", "cu13"),
)
CUDA12_RUNTIME = Wheel("nvidia-cuda-runtime-cu12==12.9.79", "cu12", drop=("nvidia/cuda_runtime/include/*", "*.a"))
CUSTATEVEC12 = Wheel("custatevec-cu12==1.15.0", "cu12", drop=("cuquantum/include/*",))
AER = (
    Wheel("qiskit-aer-gpu==0.18.2", "cu12"), Wheel("qiskit==2.6.2", "cu12"), Wheel("rustworkx==0.18.1", "cu12"),
    Wheel("dill==0.4.1", "cu12"), Wheel("stevedore==5.10.0", "cu12"), CUDA12_RUNTIME,
)
LIGHTNING = (
    Wheel("pennylane-lightning-gpu==0.45.0", "cu12", drop=("pennylane_lightning/liblightning_gpu_catalyst.so",)),
    Wheel("pennylane-lightning==0.45.0", "cu12", drop=(  # lightning.gpu's Python base; lightning.qubit not needed
        "pennylane_lightning/lightning_qubit_ops*", "pennylane_lightning/liblightning_qubit_catalyst.so",
        "pennylane_lightning/core/*.hpp", "pennylane_lightning/core/*.cpp", "pennylane_lightning/core/*.h",
        "pennylane_lightning/core/*.txt", "pennylane_lightning/core/*.cmake")),
    Wheel("pennylane==0.45.1", "cu12"), Wheel("autoray==0.8.4", "cu12"), Wheel("autograd==1.8.0", "cu12"),
    Wheel("appdirs==1.4.4", "cu12"), Wheel("cachetools==8.0.2", "cu12"), Wheel("diastatic-malt==2.15.3", "cu12"),
    Wheel("gast==0.7.0", "cu12"), Wheel("termcolor==3.3.0", "cu12"), Wheel("tomlkit==0.15.2", "cu12"),
    Wheel("rustworkx==0.18.1", "cu12"), CUSTATEVEC12, CUDA12_RUNTIME,
)
PEER_WHEELS = {"cudaq": CUDAQ, "aer_gpu": AER, "lightning_gpu": LIGHTNING}

PEER_STUBS = {"cudaq": (), "aer_gpu": ("cusolver", "cusparse", "cutensornet", "custatevec"),
              "lightning_gpu": ("cublas", "cublasLt", "cusparse", "nvJitLink")}


def chosen(peers):
    """The wheels and stubs for ``peers``, each once; a stub gives way to the real library when it is carried."""
    wheels = list({w.requirement: w for peer in peers for w in PEER_WHEELS[peer]}.values())
    real = {w.requirement.split("==")[0] for w in wheels}
    stubs = {s for peer in peers for s in PEER_STUBS[peer]}
    return wheels, sorted(stubs - {"custatevec"} if "custatevec-cu12" in real else stubs)


def wheel_name(requirement):
    return requirement.split("==")[0].replace("-", "_").lower()


def download(wheels, into):
    os.makedirs(into, exist_ok=True)
    want = [w.requirement for w in wheels if not find_wheel(into, w.requirement)]
    if want:
        platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        "--python-version", "3.12", "--implementation", "cp", *platforms, "-d", into, *want],
                       check=True)
    return {w.requirement: find_wheel(into, w.requirement) for w in wheels}


def find_wheel(folder, requirement):
    name, version = requirement.split("==")
    found = glob.glob(os.path.join(folder, f"{wheel_name(name)}-{version}-*.whl"))
    return found[0] if found else None


def stored_copy(source, target, drop, keep_sm=None):
    """``source`` rewritten uncompressed (xz then packs it better), without the members matching ``drop`` and,
    with ``keep_sm``, with the other architectures' fatbin payloads zeroed; returns (members dropped, bytes zeroed)."""
    with zipfile.ZipFile(source) as src:
        members = src.infolist()
        dropped = {m.filename for m in members if any(fnmatch.fnmatch(m.filename, p) for p in drop)}
        contents, changed, zeroed = {}, {}, 0
        for member in members:
            if member.filename in dropped:
                continue
            data = src.read(member)
            if keep_sm and ".so" in os.path.basename(member.filename):
                data, saved = keep_one_arch(data, keep_sm)
                if saved:
                    changed[member.filename], zeroed = data, zeroed + saved
            contents[member.filename] = (member, data)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for name, (member, data) in contents.items():
            if name.endswith(".dist-info/RECORD"):
                lines = data.decode().splitlines(keepends=True)
                data = "".join(record_line(path, changed[path]) if path in changed else line for line in lines
                               for path in [line.split(",")[0]] if path not in dropped).encode()
            member.compress_type = zipfile.ZIP_STORED
            out.writestr(member, data)
    return len(dropped), zeroed


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            h.update(block)
    return h.hexdigest()


def tree_bytes():
    """What travels with every call besides the bundle: tracked files and untracked ones git does not ignore."""
    names = subprocess.run(["git", "-C", ROOT, "ls-files", "-co", "--exclude-standard", "-z"], capture_output=True,
                           text=True, check=True).stdout.split("\0")
    return sum(os.path.getsize(os.path.join(ROOT, n)) for n in names if n and os.path.isfile(os.path.join(ROOT, n)))


def stage(args):
    wheels, stubs = chosen(args.peers)
    downloaded = download(wheels, os.path.join(STAGE, "download"))
    for old in glob.glob(os.path.join(STAGE, "call*")) + glob.glob(os.path.join(STAGE, "stored")):
        shutil.rmtree(old)
    stored = os.path.join(STAGE, "stored")
    os.makedirs(stored)
    rows, groups = [], {}
    for wheel in wheels:
        source = downloaded[wheel.requirement]
        target = os.path.join(stored, os.path.basename(source))
        dropped, zeroed = stored_copy(source, target, wheel.drop, args.keep_sm)
        groups[os.path.basename(target)] = wheel.group
        rows.append((wheel.requirement, os.path.getsize(source), dropped, zeroed))
    if stubs:
        path = stub_wheel(stubs, stored)
        groups[os.path.basename(path)] = "cu12"
        rows.append((f"stubs: {', '.join(os.path.basename(STUBS[s].path) for s in stubs)}", os.path.getsize(path),
                     0, 0))
    archive = os.path.join(STAGE, ARCHIVE)
    print(f"packing {len(groups)} wheels into {ARCHIVE} (xz -{args.xz_preset}; a few minutes for CUDA-Q) ...",
          flush=True)
    with tarfile.open(archive, "w:xz", preset=args.xz_preset) as tar:
        for name in sorted(groups):
            tar.add(os.path.join(stored, name), arcname=name)
    parts = split(archive, args.bundle_mib * MIB)
    report(args, rows, groups, archive, parts)


def split(archive, size):
    """The archive in parts of at most ``size`` bytes, part k in .whl/callk/ with the manifest."""
    total = os.path.getsize(archive)
    parts = []
    with open(archive, "rb") as f:
        for k in range(1, -(-total // size) + 1):
            folder = os.path.join(STAGE, f"call{k}")
            os.makedirs(folder)
            name = f"{ARCHIVE}.{k}"
            with open(os.path.join(folder, name), "wb") as out:
                out.write(f.read(size))
            parts.append({"name": name, "sha256": file_digest(os.path.join(folder, name)),
                          "bytes": os.path.getsize(os.path.join(folder, name))})
    return parts


def report(args, rows, groups, archive, parts):
    manifest = {"archive_sha256": file_digest(archive), "parts": parts, "wheels": groups, "peers": args.peers}
    for k in range(1, len(parts) + 1):
        with open(os.path.join(STAGE, f"call{k}", "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
    print(f"\n| wheel | downloaded MiB | members left out | fatbin MiB zeroed (--keep-sm {args.keep_sm}) |\n"
          "|---|---|---|---|")
    for requirement, size, dropped, zeroed in rows:
        print(f"| {requirement} | {size / MIB:.1f} | {dropped or '-'} | {zeroed / MIB:.1f} |")
    total = sum(row[1] for row in rows)
    tree = tree_bytes()
    print(f"\ndownloaded {total / MIB:.1f} MiB; packed {os.path.getsize(archive) / MIB:.1f} MiB in {len(parts)} "
          f"part(s) of at most {args.bundle_mib} MiB; the working tree adds {tree / MIB:.1f} MiB to every call")
    if tree + args.bundle_mib * MIB > 64 * MIB:
        print(f"WARNING: tree + bundle exceed 64 MiB: lower --bundle-mib to {int((64 * MIB - tree) / MIB) - 1}")
    calls = [f"python3 bench/gpu_wheels.py gather .whl/call{k}" for k in range(1, len(parts) + 1)]
    if args.no_gpu_check:
        calls[-1] += " && python3 bench/gpu_wheels.py install && bash bench/gpu_peers.sh"
    else:  # gpu_check.sh's two parts (350 s and 290 s) first, then the peers in what is left of 15 minutes
        calls[-1] += "; bash bench/gpu_check.sh check"
        calls.append('BENCH_ARGS="--peers none --sweep-qubits default,+1,+2 --repeat 2" bash bench/gpu_check.sh bench')
        calls.append('python3 bench/gpu_wheels.py install && PEERS_TIMEOUT=150 PEERS_ARGS="--qubits 28" '
                     "bash bench/gpu_peers.sh")
    print(f"\n{len(calls)} call(s), back to back (the machine keeps /tmp only while warm, 30 s after a call):")
    for k, command in enumerate(calls, 1):
        carry = f'carry [".whl/call{k}"]' if k <= len(parts) else "no carry"
        limit = (380 if "gpu_check.sh check" in command else 310 if "gpu_check.sh bench" in command
                 else 170 if "PEERS_TIMEOUT=150" in command else 420 if "gpu_peers" in command else 60)
        print(f"  call {k}: {carry}, timeout_s {limit}\n          command: {command}")


def gather(args):
    """There: copy one call's bundle into /tmp/wheels (it lasts while the machine stays warm)."""
    if not os.path.isfile(os.path.join(args.folder, "manifest.json")):
        print(f"gpu_wheels: no bundle in {args.folder} (not named in the call's carry?)")
        return 1
    os.makedirs(WHEELS_THERE, exist_ok=True)
    for path in glob.glob(os.path.join(args.folder, "*")):
        shutil.copy(path, WHEELS_THERE)
    with open(os.path.join(WHEELS_THERE, "manifest.json")) as f:
        parts = json.load(f)["parts"]
    have = [p["name"] for p in parts if os.path.exists(os.path.join(WHEELS_THERE, p["name"]))]
    print(f"gpu_wheels: {len(have)} of {len(parts)} parts in {WHEELS_THERE}: {', '.join(have)}")


def install(args):
    """There: check every part, rejoin, unpack and pip install each group into its --target. 1 if a part is missing."""
    if not os.path.exists(os.path.join(WHEELS_THERE, "manifest.json")):
        print(f"gpu_wheels: nothing gathered in {WHEELS_THERE} (a fresh machine, or gather not run); the peers "
              "will be skipped")
        return 1
    with open(os.path.join(WHEELS_THERE, "manifest.json")) as f:
        manifest = json.load(f)
    bad = [p["name"] for p in manifest["parts"] if not os.path.exists(os.path.join(WHEELS_THERE, p["name"]))
           or file_digest(os.path.join(WHEELS_THERE, p["name"])) != p["sha256"]]
    if bad:
        print(f"gpu_wheels: {', '.join(bad)} missing or damaged in {WHEELS_THERE}: the machine went back between "
              "the calls (it keeps /tmp only while warm); the peers will be skipped. Rerun from call 1.")
        return 1
    joined = os.path.join(WHEELS_THERE, ARCHIVE)
    with open(joined, "wb") as out:
        for part in manifest["parts"]:
            with open(os.path.join(WHEELS_THERE, part["name"]), "rb") as f:
                shutil.copyfileobj(f, out)
    unpacked = os.path.join(WHEELS_THERE, "unpacked")
    with tarfile.open(joined, "r:xz") as tar:
        tar.extractall(unpacked, filter="data")
    for group, target in TARGETS.items():
        names = [os.path.join(unpacked, n) for n, g in manifest["wheels"].items() if g == group]
        if names:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile",
                            "--no-cache-dir", "--upgrade", "--target", target, *names], check=True)
            print(f"gpu_wheels: {len(names)} wheels in {target}")
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="step", required=True)
    s = sub.add_parser("stage", help="here: download, slim, pack and print the calls")
    s.add_argument("--peers", default="aer_gpu", help=f"comma list of {','.join(PEER_WHEELS)}")
    s.add_argument("--bundle-mib", type=int, default=60, help="largest part (the working tree travels too)")
    s.add_argument("--xz-preset", type=int, default=9)
    s.add_argument("--keep-sm", type=int, default=None,
                   help="zero the fatbin machine code of every GPU but this one (90: H200), not tried on a GPU yet")
    s.add_argument("--no-gpu-check", action="store_true",
                   help="a session for the peers alone: the last bundle's call installs and runs bench/gpu_peers.sh")
    g = sub.add_parser("gather", help="there: one call's bundle into /tmp/wheels")
    g.add_argument("folder")
    sub.add_parser("install", help="there: rejoin the parts and pip install them")
    args = p.parse_args(argv)
    if args.step == "stage":
        args.peers = args.peers.split(",")
        unknown = set(args.peers) - set(PEER_WHEELS)
        if unknown:
            p.error(f"unknown peer(s) {', '.join(sorted(unknown))}: choose from {', '.join(PEER_WHEELS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    return {"stage": stage, "gather": gather, "install": install}[args.step](args) or 0


if __name__ == "__main__":
    sys.exit(main())
