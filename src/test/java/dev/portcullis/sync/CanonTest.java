package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonTest {
  @Test
  void returnsTheInstanceItHoldsForAnEqualValue() {
    Canon<String> canon = new Canon<>();
    String first = new String("tcp 443");
    assertThat(canon.intern(first)).isSameAs(first);
    assertThat(canon.intern(new String("tcp 443"))).isSameAs(first);
    assertThat(canon.intern(new String("tcp 80"))).isNotSameAs(first).isEqualTo("tcp 80");
    assertThat(canon.size()).isEqualTo(2);
  }

  @Test
  void keepsEveryValueAsItGrows() {
    Canon<List<Integer>> canon = new Canon<>();
    List<List<Integer>> held = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      held.add(canon.intern(new ArrayList<>(List.of(i, i % 7))));
    }
    assertThat(canon.size()).isEqualTo(5_000);
    for (int i = 0; i < 5_000; i++) {
      assertThat(canon.intern(List.of(i, i % 7))).isSameAs(held.get(i));
    }
    assertThat(canon.size()).isEqualTo(5_000);
  }

  @Test
  void valuesWithEqualHashesStayApart() {
    Canon<String> canon = new Canon<>();
    // "Aa" and "BB" have the same hash code
    String aa = canon.intern(new String("Aa"));
    String bb = canon.intern(new String("BB"));
    assertThat(aa).isEqualTo("Aa");
    assertThat(bb).isEqualTo("BB");
    assertThat(canon.intern("BB")).isSameAs(bb);
    assertThat(canon.intern("Aa")).isSameAs(aa);
  }
}
