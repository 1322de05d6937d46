package dev.portcullis.engine.eval.flowlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

class FlowLogParserTest {
  private static final FlowLogParser DEFAULT = new FlowLogParser(FlowLogFormat.DEFAULT);

  /** EC2's documented example of an accepted SSH record. */
  private static final String SSH_ACCEPTED =
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249"
          + " 1418530010 1418530070 ACCEPT OK";

  @Test
  void readsTheDefaultFormat() {
    FlowLogRecord r = DEFAULT.parse(SSH_ACCEPTED).record();
    assertThat(r.interfaceId()).isEqualTo("eni-1235b8ca123456789");
    assertThat(r.ipv6()).isFalse();
    assertThat(Ip.format4(r.src4())).isEqualTo("172.31.16.139");
    assertThat(Ip.format4(r.dst4())).isEqualTo("172.31.16.21");
    assertThat(r.srcPort()).isEqualTo(20641);
    assertThat(r.dstPort()).isEqualTo(22);
    assertThat(r.protocol()).isEqualTo(6);
    assertThat(r.packets()).isEqualTo(20);
    assertThat(r.bytes()).isEqualTo(4249);
    assertThat(r.accepted()).isTrue();
    assertThat(r.direction()).isNull();
  }

  @Test
  void readsIpv6AndRejects() {
    FlowLogRecord r =
        DEFAULT
            .parse(
                "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105"
                    + " 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708"
                    + " 1477913820 REJECT OK")
            .record();
    assertThat(r.ipv6()).isTrue();
    assertThat(Ip.format6(r.srcHigh(), r.srcLow()))
        .isEqualTo("2001:db8:1234:a100:8d6e:3477:df66:f105");
    assertThat(r.accepted()).isFalse();
  }

  @Test
  void readsACustomFormatInEitherSpelling() {
    for (String spelling :
        new String[] {
          "${version} ${vpc-id} ${interface-id} ${flow-direction} ${srcaddr} ${dstaddr}"
              + " ${dstport} ${protocol} ${tcp-flags} ${action}",
          "version vpc-id interface-id flow-direction srcaddr dstaddr dstport protocol tcp-flags"
              + " action"
        }) {
      FlowLogParser p = new FlowLogParser(FlowLogFormat.of(spelling));
      FlowLogRecord r =
          p.parse("5 vpc-0a1b eni-0f00 egress 10.0.0.5 198.51.100.9 443 6 2 REJECT").record();
      assertThat(r.direction()).isEqualTo(Direction.EGRESS);
      assertThat(r.dstPort()).isEqualTo(443);
      assertThat(r.srcPort()).as("no srcport in the format").isEqualTo(-1);
      assertThat(r.packets()).as("no packets in the format").isZero();
    }
  }

  @Test
  void aFormatWithoutWhatAttributionNeedsSkipsEveryRecordAsMissingField() {
    FlowLogFormat f = FlowLogFormat.of("version interface-id srcaddr dstaddr protocol action");
    assertThat(f.missing()).containsExactly("dstport");
    FlowLogParser.Parsed p = new FlowLogParser(f).parse("2 eni-1 10.0.0.1 10.0.0.2 6 ACCEPT");
    assertThat(p.skip()).isEqualTo(Skip.MISSING_FIELD);
    assertThat(p.detail()).contains("dstport");
  }

  @Test
  void badFormatsAreRefusedWithTheField() {
    assertThatThrownBy(() -> FlowLogFormat.of(" ")).hasMessageContaining("at least one field");
    assertThatThrownBy(() -> FlowLogFormat.of("version Src;addr"))
        .hasMessageContaining("'Src;addr'");
    assertThatThrownBy(() -> FlowLogFormat.of("srcaddr ${srcaddr}")).hasMessageContaining("twice");
  }

  @Test
  void eachBadLineIsSkippedWithItsReason() {
    assertSkip("", Skip.MALFORMED, "0 fields");
    assertSkip(SSH_ACCEPTED + " extra", Skip.MALFORMED, "15+ fields");
    assertSkip(SSH_ACCEPTED.replace("ACCEPT", "MAYBE"), Skip.MALFORMED, "action 'MAYBE'");
    assertSkip(SSH_ACCEPTED.replace("172.31.16.139", "172.31.16.256"), Skip.MALFORMED, "srcaddr");
    assertSkip(SSH_ACCEPTED.replace("172.31.16.139", "2001:db8::1"), Skip.MALFORMED, "one family");
    assertSkip(SSH_ACCEPTED.replace(" 22 6 ", " 70000 6 "), Skip.MALFORMED, "out of range");
    assertSkip(SSH_ACCEPTED.replace("eni-1235b8ca123456789", "i-123"), Skip.MALFORMED, "'i-123'");
    assertSkip("1" + SSH_ACCEPTED.substring(1), Skip.UNSUPPORTED_VERSION, "version 1");
    assertSkip("x" + SSH_ACCEPTED.substring(1), Skip.MALFORMED, "version 'x'");
    assertSkip(SSH_ACCEPTED.replace(" 22 6 ", " - 6 "), Skip.MISSING_FIELD, "no dstport");
    assertSkip(
        "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
        Skip.NO_DATA,
        "NODATA");
    assertSkip(SSH_ACCEPTED.replace("OK", "MAYBE"), Skip.MALFORMED, "log-status");
  }

  private static void assertSkip(String line, Skip skip, String detail) {
    FlowLogParser.Parsed p = DEFAULT.parse(line);
    assertThat(p.record()).as(line).isNull();
    assertThat(p.skip()).as(line).isEqualTo(skip);
    assertThat(p.detail()).as(line).contains(detail);
  }

  @Test
  void noLineMakesTheParserThrow() {
    qt().withExamples(20_000)
        .forAll(SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(0, 120))
        .checkAssert(
            line -> {
              FlowLogParser.Parsed p = DEFAULT.parse(line);
              assertThat(p.record() == null).isEqualTo(p.skip() != null);
            });
  }

  @Test
  void aRecordWrittenInTheDefaultFormatReadsBackAsWritten() {
    qt().withExamples(5_000)
        .forAll(SourceDSL.longs().all())
        .checkAssert(
            seed -> {
              SplittableRandom rnd = new SplittableRandom(seed);
              int src = rnd.nextInt();
              int dst = rnd.nextInt();
              int port = rnd.nextInt(65536);
              int protocol = rnd.nextInt(256);
              long bytes = rnd.nextLong(Long.MAX_VALUE / 10);
              boolean accept = rnd.nextBoolean();
              String line =
                  String.join(
                      " ",
                      "2",
                      "123456789012",
                      "eni-0abc",
                      Ip.format4(src),
                      Ip.format4(dst),
                      "40000",
                      Integer.toString(port),
                      Integer.toString(protocol),
                      "3",
                      Long.toString(bytes),
                      "1",
                      "2",
                      accept ? "ACCEPT" : "REJECT",
                      "OK");
              FlowLogRecord r = DEFAULT.parse(line).record();
              assertThat(r)
                  .isEqualTo(
                      new FlowLogRecord(
                          "eni-0abc",
                          false,
                          src,
                          dst,
                          0,
                          0,
                          0,
                          0,
                          40000,
                          port,
                          protocol,
                          3,
                          bytes,
                          accept,
                          null));
            });
  }
}
