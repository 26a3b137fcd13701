"""Typed keys of the composed application's state (aiohttp `AppKey`s), in one place."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiohttp import web
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from actions.services import Services
from core.config import Settings
from nlu.client import NluClient
from storage.mongo import Document

SETTINGS = web.AppKey("settings", Settings)
MONGO = web.AppKey("mongo", AsyncMongoClient[Document])
REDIS = web.AppKey("redis", Redis)
NLU = web.AppKey("nlu", NluClient)
SERVICES = web.AppKey("services", Services)
BOT = web.AppKey("bot", Bot)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)
SERVER_STARTED = web.AppKey("server_started", asyncio.Event)
