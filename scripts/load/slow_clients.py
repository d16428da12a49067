#!/usr/bin/env python3
"""Slow and idle clients for scripts/slow-clients-bench.sh: keeps N connections open to
HOST:PORT, half silent (connected, never a byte) and half slowloris (a request's headers
one line a second, never finished); each one the server closes is opened again at once.
Prints, every 5 s and at the end, how many are open and how many the server closed.
Runs until SIGTERM or SIGINT."""
import asyncio
import signal
import sys

HOST, PORT, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
open_now = 0
closed_by_server = 0
stop = asyncio.Event()


async def client(i: int) -> None:
    global open_now, closed_by_server
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        open_now += 1
        try:
            if i % 2:
                writer.write(b"GET /api/status HTTP/1.1\r\nHost: teachlink\r\n")
                await writer.drain()
            line = 0
            while not stop.is_set():
                try:
                    data = await asyncio.wait_for(reader.read(1024), timeout=1.0)
                    if not data:
                        closed_by_server += 1
                        break
                except asyncio.TimeoutError:
                    if i % 2:
                        line += 1
                        writer.write(b"X-Slow-%d: %d\r\n" % (line, line))
                        await writer.drain()
        except OSError:
            closed_by_server += 1
        finally:
            open_now -= 1
            writer.close()


async def report() -> None:
    while not stop.is_set():
        print(f"SLOW open={open_now} closed_by_server={closed_by_server}", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), timeout=5)
        except asyncio.TimeoutError:
            pass


async def main() -> None:
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    tasks = [asyncio.create_task(client(i)) for i in range(N)]
    await report()
    for t in tasks:
        t.cancel()
    print(f"SLOW final open={open_now} closed_by_server={closed_by_server}", flush=True)


asyncio.run(main())
