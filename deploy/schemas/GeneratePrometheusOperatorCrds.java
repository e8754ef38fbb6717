import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.File;

/**
 * Writes the CustomResourceDefinitions of the Prometheus Operator kinds Harbor's monitoring pack uses (PodMonitor,
 * PrometheusRule, monitoring.coreos.com/v1) with fabric8's CRD generator, from fabric8's model of the Prometheus
 * Operator API (io.fabric8:openshift-model-monitoring, generated from the operator's Go API). Run by generate.sh.
 */
public class GeneratePrometheusOperatorCrds {
  public static void main(String[] args) {
    File out = new File(args[0]);
    out.mkdirs();
    new CRDGenerator().customResourceClasses(PodMonitor.class, PrometheusRule.class).inOutputDir(out).forCRDVersions("v1").generate();
  }
}
