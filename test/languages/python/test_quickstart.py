"""The quickstart from Python synthesizes the YAML the TypeScript quickstart does, byte for byte."""
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent


def synth_quickstart(outdir: pathlib.Path) -> str:
    env = {**os.environ, "CDK8S_OUTDIR": str(outdir)}
    subprocess.run([sys.executable, str(HERE / "quickstart.py")], check=True, env=env)
    return (outdir / "bookinfo.k8s.yaml").read_text()


def test_quickstart_equals_the_typescript_one(tmp_path):
    reference = pathlib.Path(os.environ["TS_QUICKSTART_YAML"]).read_text()
    assert synth_quickstart(tmp_path) == reference


def test_quickstart_routes_reviews_and_payments(tmp_path):
    yaml = synth_quickstart(tmp_path)
    # the canary split, the iPhone match and the timeout are one VirtualService of reviews
    assert "weight: 90" in yaml and "weight: 10" in yaml
    assert "regex: .*iPhone.*" in yaml
    assert "timeout: 0.8s" in yaml
    assert "weight: 80" in yaml and "timeout: 3s" in yaml


def test_a_bad_prop_is_an_error_naming_it():
    from cdk8s import App, Chart
    from cdk8s_istio import BookinfoApp, Canary
    chart = Chart(App(), "bookinfo")
    bookinfo = BookinfoApp(chart, "bookinfo", namespace="bookinfo")
    with pytest.raises(Exception, match="'canaryWeight' must be an integer between 0 and 100, got 120"):
        Canary(chart, "reviews", service=bookinfo.reviews, stable="v1", canary="v2", canary_weight=120)


def test_the_gateway_api_is_chosen_from_python(tmp_path):
    from cdk8s import App, Chart
    from cdk8s_istio import BookinfoApp, Canary, TrafficApi, TrafficApiScope
    app = App(outdir=str(tmp_path))
    chart = Chart(app, "ambient")
    TrafficApiScope.use(chart, TrafficApi.GATEWAY_API)
    bookinfo = BookinfoApp(chart, "bookinfo", namespace="bookinfo")
    Canary(chart, "reviews", service=bookinfo.reviews, stable="v1", canary="v2", canary_weight=10)
    app.synth()
    yaml = (tmp_path / "ambient.k8s.yaml").read_text()
    assert "kind: HTTPRoute" in yaml and "kind: VirtualService" not in yaml


def test_the_analyzer_is_reachable_from_a_python_install(tmp_path):
    # pip installs the package's bundled CLI as a console script beside the interpreter
    cli = pathlib.Path(sys.executable).parent / "cdk8s-istio"
    synth_quickstart(tmp_path)
    result = subprocess.run([str(cli), "analyze", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "objects analyzed: 0 errors" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: x }\n"
                   "spec: { hosts: [x], http: [{ route: [{ destination: { host: x, subset: v9 } }] }] }\n---\n"
                   "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: x }\n"
                   "spec: { host: x, subsets: [{ name: v1, labels: { version: v1 } }] }\n")
    flagged = subprocess.run([str(cli), "analyze", str(bad)], capture_output=True, text=True)
    assert flagged.returncode == 1 and "CI202" in flagged.stdout


def test_a_release_handed_to_flagger_and_a_zero_trust_edge_from_python(tmp_path):
    from cdk8s import App, Chart, Duration
    from cdk8s_istio import BookinfoApp, Canary, CallEdge, Delivery, DeliveryController, ReviewsDeployment, ZeroTrust
    app = App(outdir=str(tmp_path))
    chart = Chart(app, "release")
    bookinfo = BookinfoApp(chart, "bookinfo", namespace="bookinfo", ingress=False, reviews_deployment=ReviewsDeployment.ONE_WORKLOAD)
    delivery = Delivery.flagger(steps=[10, 50, 100], interval=Duration.seconds(30))
    assert delivery.controller == DeliveryController.FLAGGER
    Canary(chart, "reviews", service=bookinfo.reviews, delivery=delivery)
    ZeroTrust(chart, "zero-trust", namespace="bookinfo", edges=[CallEdge(caller=bookinfo.productpage, to=bookinfo.reviews)])
    app.synth()
    yaml = (tmp_path / "release.k8s.yaml").read_text()
    assert "kind: Canary" in yaml and "stepWeights:\n      - 10\n      - 50" in yaml and "interval: 30s" in yaml
    assert "name: allow-reviews-primary" in yaml
