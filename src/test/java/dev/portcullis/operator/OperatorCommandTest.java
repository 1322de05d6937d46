package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.RequestLimits;
import org.junit.jupiter.api.Test;

class OperatorCommandTest {
  @Test
  void rateLimitIsOnOffOrAFactorOfTheDefaults() {
    RequestLimits on = OperatorCommand.requestLimits("on");
    assertThat(on.of(Ec2Action.CREATE_SECURITY_GROUP))
        .isEqualTo(RequestLimits.defaults().of(Ec2Action.CREATE_SECURITY_GROUP));
    assertThat(OperatorCommand.requestLimits("off")).isNull();
    assertThat(OperatorCommand.requestLimits("2").of(Ec2Action.CREATE_SECURITY_GROUP).perSecond())
        .isEqualTo(2 * on.of(Ec2Action.CREATE_SECURITY_GROUP).perSecond());
    assertThatThrownBy(() -> OperatorCommand.requestLimits("fast"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OperatorCommand.requestLimits("0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theOperatorPacesEc2CallsUnlessTurnedOff() {
    assertThat(PortcullisOperator.Settings.defaults().requestLimits()).isNotNull();
    assertThat(PortcullisOperator.Settings.defaults().withRequestLimits(null).requestLimits())
        .isNull();
  }
}
