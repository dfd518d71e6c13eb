"""The content library (内容资料库): file inspection, media storage, search and platform fit.

The composer checks an asset before attaching it with ``check_asset_for(asset, platform)``.
"""

from __future__ import annotations

from .fit import Problem, check_asset_for, rights_state

__all__ = ["Problem", "check_asset_for", "rights_state"]
