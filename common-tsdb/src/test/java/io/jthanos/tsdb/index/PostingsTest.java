package io.jthanos.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PostingsTest {
  static long[] random(SplittableRandom r, int n, long max) {
    TreeSet<Long> s = new TreeSet<>();
    while (s.size() < n) {
      s.add(r.nextLong(max));
    }
    return s.stream().mapToLong(Long::longValue).toArray();
  }

  static Postings bigEndian(long[] refs) {
    ByteBuffer b = ByteBuffer.allocate(refs.length * 4);
    for (long r : refs) {
      b.putInt((int) r);
    }
    return Postings.bigEndian(b.flip(), refs.length);
  }

  static Postings make(long[] refs, boolean be) {
    return be ? bigEndian(refs) : Postings.of(refs.clone());
  }

  @Test
  void setOperationsAgreeWithSets() {
    SplittableRandom r = new SplittableRandom(5);
    for (int round = 0; round < 300; round++) {
      int k = 1 + r.nextInt(4);
      long max = 1 + r.nextLong(5000);
      List<long[]> lists = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        lists.add(random(r, (int) Math.min(max, r.nextInt(0, 800)), max));
      }
      boolean be = r.nextBoolean();
      TreeSet<Long> inter = new TreeSet<>();
      LongStream.of(lists.get(0)).forEach(inter::add);
      TreeSet<Long> union = new TreeSet<>();
      for (long[] l : lists) {
        TreeSet<Long> s = new TreeSet<>();
        LongStream.of(l).forEach(s::add);
        inter.retainAll(s);
        union.addAll(s);
      }
      List<Postings> ps = new ArrayList<>();
      lists.forEach(l -> ps.add(make(l, be)));
      assertThat(Postings.expand(Postings.intersect(ps))).containsExactly(toArray(inter));
      List<Postings> ps2 = new ArrayList<>();
      lists.forEach(l -> ps2.add(make(l, be)));
      assertThat(Postings.expand(Postings.merge(ps2))).containsExactly(toArray(union));
      TreeSet<Long> diff = new TreeSet<>();
      LongStream.of(lists.get(0)).forEach(diff::add);
      LongStream.of(lists.get(k - 1)).forEach(diff::remove);
      if (k > 1) {
        assertThat(
                Postings.expand(
                    Postings.without(make(lists.get(0), be), make(lists.get(k - 1), !be))))
            .containsExactly(toArray(diff));
      }
    }
  }

  @Test
  void bulkPathsOnBigListsAgreeWithSets() {
    SplittableRandom r = new SplittableRandom(12);
    for (int round = 0; round < 40; round++) {
      int n = 1024 + r.nextInt(20_000);
      long base = r.nextBoolean() ? 0 : 0xc0000000L; // also refs above 2^31
      long range = (long) n * (2 + r.nextInt(r.nextBoolean() ? 3 : 200));
      long[] a = random(r, n, range);
      long[] b = random(r, (int) Math.min(range / 2, 1024 + r.nextInt(20_000)), range);
      for (int i = 0; i < a.length; i++) {
        a[i] += base;
      }
      for (int i = 0; i < b.length; i++) {
        b[i] += base;
      }
      TreeSet<Long> sa = new TreeSet<>();
      LongStream.of(a).forEach(sa::add);
      TreeSet<Long> inter = new TreeSet<>();
      TreeSet<Long> union = new TreeSet<>(sa);
      for (long x : b) {
        if (sa.contains(x)) {
          inter.add(x);
        }
        union.add(x);
      }
      assertThat(Postings.expand(Postings.intersect(bigEndian(a), bigEndian(b))))
          .containsExactly(toArray(inter));
      assertThat(Postings.expand(Postings.merge(bigEndian(a), bigEndian(b))))
          .containsExactly(toArray(union));
      // Results of bulk operations combine again in bulk, and seek on them.
      Postings p = Postings.intersect(Postings.merge(bigEndian(a), bigEndian(b)), bigEndian(a));
      assertThat(Postings.expand(p)).containsExactly(a);
      Postings q = Postings.intersect(bigEndian(a), bigEndian(b));
      long target = a[a.length / 2];
      long expected = ceiling(toArray(inter), target);
      assertThat(q.seek(target)).isEqualTo(expected >= 0);
      if (expected >= 0) {
        assertThat(q.at()).isEqualTo(expected);
      }
    }
  }

  static long[] toArray(TreeSet<Long> s) {
    return s.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void seekNeverMovesBackwardsAndFindsCeiling() {
    SplittableRandom r = new SplittableRandom(9);
    for (int round = 0; round < 200; round++) {
      long[] refs = random(r, 1 + r.nextInt(500), 100_000);
      for (Postings p :
          List.of(
              make(refs, true),
              make(refs, false),
              Postings.merge(make(refs, true), Postings.empty()),
              Postings.intersect(make(refs, true), make(refs, false)),
              Postings.without(make(refs, false), Postings.of()))) {
        long target = 0;
        long last = -1;
        while (true) {
          target += r.nextInt(0, 2000);
          boolean ok = p.seek(target);
          long expected = ceiling(refs, Math.max(target, last));
          if (expected < 0) {
            assertThat(ok).isFalse();
            break;
          }
          assertThat(ok).isTrue();
          assertThat(p.at()).isEqualTo(expected);
          last = p.at();
          if (r.nextInt(3) == 0) {
            if (!p.next()) {
              assertThat(ceiling(refs, last + 1)).isEqualTo(-1);
              break;
            }
            assertThat(p.at()).isEqualTo(ceiling(refs, last + 1));
            last = p.at();
          }
        }
      }
    }
  }

  static long ceiling(long[] a, long v) {
    for (long x : a) {
      if (x >= v) {
        return x;
      }
    }
    return -1;
  }

  @Test
  void unsignedRefsAboveTwoToTheThirtyOne() {
    long[] refs = {5, 0x7fffffffL, 0x80000000L, 0xfffffff0L};
    assertThat(Postings.expand(bigEndian(refs))).containsExactly(refs);
    Postings p = bigEndian(refs);
    assertThat(p.seek(0x80000000L)).isTrue();
    assertThat(p.at()).isEqualTo(0x80000000L);
  }
}
