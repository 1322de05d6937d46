package dev.portcullis.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The rule engine must stay pure: no Kubernetes, Fabric8, JOSDK, AWS SDK or metrics classes, and
 * nothing from the layers above it. This is the build check that keeps the architecture honest.
 */
class EngineIsPureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.portcullis");

  @Test
  void engineImportsNoKubernetesAwsOrUpperLayers() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("dev.portcullis.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.fabric8..",
                "io.javaoperatorsdk..",
                "software.amazon..",
                "io.micrometer..",
                "com.fasterxml..",
                "dev.portcullis.api..",
                "dev.portcullis.cloud..",
                "dev.portcullis.operator..",
                "dev.portcullis.offline..",
                "dev.portcullis.sync..")
            .because("the rule engine is pure Java with no I/O (see docs/architecture.md)");
    rule.check(MAIN);
  }

  @Test
  void engineDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio..", "java.net..")
        .because("the rule engine performs no I/O")
        .check(MAIN);
  }
}
