# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
# distributed-learning for waf-era ns-3 trees (3.35 and older): copy this folder to
# contrib/distributed-learning (or src/) and ./waf configure --enable-examples --enable-tests.
#
# The file lists live once, in CMakeLists.txt (set(DL_... ) blocks); they are read from there.

import os
import re


def _cmake_lists():
    """Return {name: [files]} for every set(DL_<NAME> ...) block of CMakeLists.txt."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, 'CMakeLists.txt')) as f:
        text = f.read()
    lists = {}
    for name, body in re.findall(r'set\((DL_[A-Z0-9_]+)\s+([^)]*)\)', text):
        files = [w for w in body.split() if w.endswith(('.cc', '.h'))]
        if files:
            lists[name] = files
    return lists


def configure(conf):
    conf.check_cfg(package='eigen3', args=['--cflags'], uselib_store='EIGEN3', mandatory=True)
    conf.check(lib='z', uselib_store='ZLIB', mandatory=True)
    conf.env.append_value('CXXFLAGS', ['-DNS3_LOG_ENABLE', '-DNS3_ASSERT_ENABLE'])


def build(bld):
    lists = _cmake_lists()
    module = bld.create_ns3_module('distributed-learning',
                                   ['core', 'network', 'internet', 'point-to-point',
                                    'applications', 'traffic-control'])
    module.source = (lists['DL_TRAINER_SOURCES'] + lists['DL_BACKEND_SOURCES']
                     + lists['DL_NS3_SOURCES'])
    module.use.extend(['EIGEN3', 'ZLIB'])

    module_test = bld.create_ns3_module_test_library('distributed-learning')
    module_test.source = lists['DL_NS3_TEST_SOURCES']

    headers = bld(features='ns3header')
    headers.module = 'distributed-learning'
    headers.source = (lists['DL_TRAINER_HEADERS'] + lists['DL_BACKEND_HEADERS']
                      + lists['DL_NS3_HEADERS'])

    if bld.env.ENABLE_EXAMPLES:
        program = bld.create_ns3_program('dl-train', ['distributed-learning'])
        program.source = 'examples/dl-train.cc'
