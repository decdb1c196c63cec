"""Shared cocotb testbench scaffolding (cocotbext-axi pattern): clock, reset, stream sources/sinks
from bus prefixes, seeded idle/backpressure pause generators, and integer-word send/receive.

A stream word is one beat's whole ``tdata`` as a python int (see ``hw.numerics.pack``).  cocotbext-axi
splits widths that are a multiple of 8 into byte lanes and other widths are kept as one lane
(``_bus_args``); the helpers here hide that.
"""
from __future__ import annotations

import random
from typing import Iterable, Sequence

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

CLOCK_NS = 10


def random_pauses(seed: int, p: float = 0.3):
    """Endless seeded 0/1 pause pattern (1 = pause this cycle) with probability ``p``."""
    rng = random.Random(seed)
    while True:
        yield 1 if rng.random() < p else 0


def _bus_args(dut, prefix: str):
    """(bus, clk, rst, reset_active_level, byte_size, byte_lanes) for a cocotbext-axi source/sink.

    Widths that are not a multiple of 8 are kept as one lane: cocotbext-axi's default (width // 8
    lanes) fails for widths below 8 and for widths like 12*9 that 8 does not divide.
    """
    bus = AxiStreamBus.from_prefix(dut, prefix)
    width = len(bus.tdata)
    return bus, dut.clk, dut.rst, True, None, (None if width % 8 == 0 else 1)


class StreamTB:
    """A DUT with a clock ``clk``, synchronous active-high ``rst`` and AXI4-Stream ports by prefix."""

    def __init__(self, dut, sources: Sequence[str] = ("s_axis",), sinks: Sequence[str] = ("m_axis",)):
        self.dut = dut
        self.log = dut._log
        cocotb.start_soon(Clock(dut.clk, CLOCK_NS, unit="ns").start())
        self.src = {p: AxiStreamSource(*_bus_args(dut, p)) for p in sources}
        self.snk = {p: AxiStreamSink(*_bus_args(dut, p)) for p in sinks}
        for s in list(self.src.values()) + list(self.snk.values()):
            s.log.setLevel("WARNING")

    def set_pauses(self, idle: bool, backpressure: bool, seed: int = 1, p: float = 0.3) -> None:
        """Random tvalid gaps on every source (idle) and tready drops on every sink (backpressure)."""
        for i, s in enumerate(self.src.values()):
            s.set_pause_generator(random_pauses(seed * 101 + i, p) if idle else None)
            if not idle:
                s.pause = False  # a removed generator leaves its last value behind
        for i, s in enumerate(self.snk.values()):
            s.set_pause_generator(random_pauses(seed * 211 + i, p) if backpressure else None)
            if not backpressure:
                s.pause = False

    async def reset(self, cycles: int = 4) -> None:
        self.dut.rst.value = 1
        for _ in range(cycles):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def cycles(self, n: int) -> None:
        for _ in range(n):
            await RisingEdge(self.dut.clk)

    @staticmethod
    def _lanes(word: int, port) -> list[int]:
        size, lanes = port.byte_size, port.byte_lanes
        mask = (1 << size) - 1
        return [(int(word) >> (i * size)) & mask for i in range(lanes)]

    async def send_words(self, prefix: str, words: Iterable[int]) -> None:
        """Queue one beat per word on source ``prefix`` (no tlast)."""
        src = self.src[prefix]
        for w in words:
            await src.send(AxiStreamFrame(self._lanes(w, src)))

    async def recv_words(self, prefix: str, n: int) -> list[int]:
        """Receive ``n`` beats from sink ``prefix`` as integer words (frames are split into beats)."""
        snk = self.snk[prefix]
        size, lanes = snk.byte_size, snk.byte_lanes
        out: list[int] = []
        while len(out) < n:
            frame = await snk.recv()
            data = list(frame.tdata)
            for b in range(0, len(data), lanes):
                out.append(sum(int(v) << (i * size) for i, v in enumerate(data[b:b + lanes])))
        if len(out) != n:
            raise AssertionError(f"{prefix}: received {len(out)} beats, expected {n}")
        return out

    async def recv_beats(self, prefix: str, n: int) -> list[tuple[int, int, int]]:
        """Receive ``n`` beats from sink ``prefix`` as ``(word, tlast, tuser)`` tuples.

        ``tlast`` is 1 on the beat that closed a frame (every beat when the bus has no tlast); ``tuser`` is
        the beat's tuser value (0 when the bus has none).
        """
        snk = self.snk[prefix]
        size, lanes = snk.byte_size, snk.byte_lanes
        out: list[tuple[int, int, int]] = []
        while len(out) < n:
            frame = await snk.recv(compact=False)
            data = list(frame.tdata)
            user = list(frame.tuser) if isinstance(frame.tuser, list) else []
            nb = len(data) // lanes
            for b in range(nb):
                word = sum(int(v) << (i * size) for i, v in enumerate(data[b * lanes:(b + 1) * lanes]))
                tuser = int(user[b * lanes]) if user else 0
                out.append((word, int(b == nb - 1), tuser))
        if len(out) != n:
            raise AssertionError(f"{prefix}: received {len(out)} beats, expected {n}")
        return out

    def log_beats(self, prefix: str) -> list[int]:
        """Start recording the clock-cycle index of every handshake (tvalid && tready) on stream ``prefix``.

        Returns the list that is appended to (cycle 0 = the first rising edge after this call); e.g. a
        contiguous range means one beat per cycle.
        """
        valid = getattr(self.dut, f"{prefix}_tvalid")
        ready = getattr(self.dut, f"{prefix}_tready")
        cycles: list[int] = []

        async def monitor() -> None:
            n = 0
            while True:
                await RisingEdge(self.dut.clk)
                if valid.value.is_resolvable and ready.value.is_resolvable and int(valid.value) and int(ready.value):
                    cycles.append(n)
                n += 1

        cocotb.start_soon(monitor())
        return cycles


class HandshakeMonitor:
    """Cycle numbers of the input and ``m_axis`` handshakes (sampled at the rising edge, outside reset) and
    of the first cycle ``m_axis_tvalid`` was high: for latency and rate checks.  With several input
    streams (``sources``) every beat must be consumed from all of them in the same cycle (a join)."""

    def __init__(self, dut, sources: Sequence[str] = ("s_axis",)):
        self.dut, self.cycle, self.ins, self.outs, self.first_out_valid = dut, 0, [], [], None
        self.ports = [(getattr(dut, f"{p}_tvalid"), getattr(dut, f"{p}_tready")) for p in sources]
        cocotb.start_soon(self._run())

    async def _run(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            self.cycle += 1
            if d.rst.value:
                continue
            hs = [bool(v.value and r.value) for v, r in self.ports]
            assert all(hs) or not any(hs), f"cycle {self.cycle}: inputs consumed separately ({hs})"
            if hs[0]:
                self.ins.append(self.cycle)
            if d.m_axis_tvalid.value:
                if self.first_out_valid is None:
                    self.first_out_valid = self.cycle
                if d.m_axis_tready.value:
                    self.outs.append(self.cycle)
