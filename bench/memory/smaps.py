# bench/memory/smaps.py <pid>: what the server's resident memory is, from /proc/<pid>/smaps: glibc's malloc arenas (64 MB-aligned heaps: an rw part
# and its PROT_NONE rest), the brk heap, JIT code (memfd:doublemapper), mapped files, other anonymous (the GC's regions).
import sys, re
pid = sys.argv[1]
maps = []
cur = None
for line in open(f'/proc/{pid}/smaps'):
    m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$', line)
    if m:
        cur = [int(m[1], 16), int(m[2], 16), m[3], m[4].strip(), 0]; maps.append(cur); continue
    if line.startswith('Rss:'): cur[4] = int(line.split()[1])
HEAP = 64 << 20
agg = {}
for i, (s, e, perm, name, rss) in enumerate(maps):
    if not name:
        arena = s % HEAP == 0 and i + 1 < len(maps) and maps[i + 1][0] == e and not maps[i + 1][3] and maps[i + 1][2] == '---p' and maps[i + 1][1] % HEAP == 0
        arena = arena or (s % HEAP == 0 and e - s == HEAP and perm == 'rw-p')
        kind = 'malloc arenas' if arena else 'other anonymous (GC heap)'
    elif name == '[heap]': kind = 'malloc main heap (brk)'
    elif 'doublemapper' in name: kind = 'JIT code (doublemapper)'
    elif name.startswith('/'): kind = 'mapped files'
    else: kind = name
    agg[kind] = agg.get(kind, 0) + rss
agg = {k: v for k, v in agg.items() if v >= 1024}
for k, v in sorted(agg.items(), key=lambda x: -x[1]): print(f'{v / 1024:.1f},{k}')
print(f'{sum(agg.values()) / 1024:.1f},total')
