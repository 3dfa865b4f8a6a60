"""The migration of issue 13 gives the towns created before it their default grids and
switches their typed grid indicators to the filled grids."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audits.models import Criterion, Grid
from commitments.frameworks import load_framework
from commitments.models import Indicator


@pytest.mark.django_db(transaction=True)
def test_towns_created_before_get_the_grids_and_their_typed_grid_indicators_read_the_grids(org, other_org):
    load_framework(organisation=org, code="qualivilles")
    indicators = Indicator.objects.filter(organisation=org)
    indicators.filter(code__in=["1.1", "7.2", "15.1"]).update(metric_key="manual.score", params={})
    indicators.filter(code="4.1").update(metric_key="manual.share", params={})
    indicators.filter(code="10.1").update(metric_key="manual.yes_no", params={})  # the town's own choice
    Criterion.objects.filter(organisation=org).delete()
    Grid.objects.filter(organisation=org).delete()  # a town as it was before the grids
    before = Grid.objects.filter(organisation=other_org).count()
    executor = MigrationExecutor(connection)
    executor.migrate([("audits", "0001_initial")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Grid.objects.filter(organisation=org).count() == 5
    assert Criterion.objects.filter(organisation=org, grid__kind="visit").count() == 11
    assert Grid.objects.filter(organisation=other_org).count() == before  # had grids: left alone
    switched = {
        row.code: (row.metric_key, row.params)
        for row in indicators.filter(code__in=["1.1", "4.1", "7.2", "10.1", "15.1"])
    }
    assert switched == {
        "1.1": ("audits.score", {"commitment": "1", "kinds": ["self", "visit"]}),
        "4.1": ("audits.score", {"commitment": "4", "kinds": ["self"]}),
        "7.2": ("audits.score", {"commitment": "7", "kinds": ["visit"]}),
        "10.1": ("manual.yes_no", {}),
        "15.1": ("audits.score", {"commitment": "15", "kinds": ["call"]}),
    }


@pytest.mark.django_db
def test_the_migration_gives_the_params_the_catalogue_gives_new_towns(org):
    migration = importlib.import_module("audits.migrations.0002_default_grids_and_score_indicators")
    load_framework(organisation=org, code="qualivilles")
    catalogue = {row.code: row.params for row in Indicator.objects.filter(organisation=org, metric_key="audits.score")}
    assert catalogue == migration.SWITCHED
