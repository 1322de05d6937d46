package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpTest {
  @Test
  void parsesAndFormatsIpv4() {
    assertThat(Ip.parse4("203.0.113.7")).contains(0xcb007107);
    assertThat(Ip.format4(0xcb007107)).isEqualTo("203.0.113.7");
    assertThat(Ip.parse4("1.2.3")).isEmpty();
    assertThat(Ip.parse4("01.2.3.4")).isEmpty();
    assertThat(Ip.parse4("1.2.3.4.5")).isEmpty();
  }

  @Test
  void parsesAndFormatsIpv6() {
    long[] a = Ip.parse6("2001:db8::1").orElseThrow();
    assertThat(Ip.format6(a[0], a[1])).isEqualTo("2001:db8::1");
    long[] b = Ip.parse6("::ffff:10.0.0.1").orElseThrow();
    assertThat(Ip.format6(b[0], b[1])).isEqualTo("::ffff:a00:1");
    assertThat(Ip.format6(0, 0)).isEqualTo("::");
    assertThat(Ip.parse6("1:2:3:4:5:6:7:8:9")).isEmpty();
    assertThat(Ip.parse6("1::2::3")).isEmpty();
    assertThat(Ip.parse6("12345::")).isEmpty();
    assertThat(Ip.parse6("1.2.3.4::")).as("IPv4 part only at the end").isEmpty();
    assertThat(Ip.parse6("::1.2.3.4")).isPresent();
  }

  @Test
  void onlyAsciiDigitsCount() {
    assertThat(Ip.parse4("\u0661\u0660.0.0.1")).as("Arabic-Indic digits").isEmpty();
    assertThat(Ip.parseCidr("10.0.0.1/\uff13\uff12").ok()).as("fullwidth digits").isFalse();
    assertThat(Ip.parse6("\uff11::1")).isEmpty();
    assertThat(Protocol.parse("\uff16")).isEmpty();
  }

  @Test
  void cidrContainment() {
    Cidr4 net = (Cidr4) Ip.parseCidr("10.0.0.0/8").cidr();
    assertThat(net.contains(Ip.parse4("10.200.1.1").orElseThrow())).isTrue();
    assertThat(net.contains(Ip.parse4("11.0.0.1").orElseThrow())).isFalse();
    assertThat(Cidr4.ANY.contains(0xffffffff)).isTrue();
    Cidr6 v6 = (Cidr6) Ip.parseCidr("2001:db8::/32").cidr();
    long[] in = Ip.parse6("2001:db8:ffff::1").orElseThrow();
    long[] out = Ip.parse6("2001:db9::1").orElseThrow();
    assertThat(v6.contains(in[0], in[1])).isTrue();
    assertThat(v6.contains(out[0], out[1])).isFalse();
  }
}
