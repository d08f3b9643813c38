import io

import pandas as pd

from sahelmodel import read_ucdp_ged

HEADER = ("id,year,type_of_violence,side_a,side_b,country,adm_1,adm_2,where_coordinates,"
          "latitude,longitude,date_prec,date_start,date_end,deaths_a,deaths_b,"
          "deaths_civilians,deaths_unknown,best,high,low,source_headline\n")
ROW = ("{id},2021,2,IS,JNIM,Mali,Gao region,Ansongo cercle,Tin-Hama,15.5,0.5,1,"
       "2021-05-01,2021-05-01,1,1,0,0,2,3,2,headline\n")


def test_ids_read_from_a_frame_equal_ids_read_from_the_file():
    text = HEADER + ROW.format(id=101) + ROW.format(id="")
    from_file = read_ucdp_ged(io.StringIO(text), errors="report")
    from_frame = read_ucdp_ged(pd.read_csv(io.StringIO(text)), errors="report")
    assert from_file.frame["event_id"].tolist() == ["101"]
    assert from_frame.frame["event_id"].tolist() == ["101"]
    assert from_frame.report.n_read == from_frame.report.n_kept + from_frame.report.n_rejected
